"""A tiny inventory system: enough code to shard, map and measure."""
