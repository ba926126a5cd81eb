"""Static function-to-test mapping: which tests exercise each source function.

``targets`` (the source functions, by ast) -> ``imports`` (the import filter, by ast)
-> ``references`` (Jedi, per test file) run by ``pool`` and reused through ``cache``;
``mapper`` ties them into one run and ``session`` finds the files to map.
Nothing here imports Jedi at import time.
"""
