"""Public cameras: traffic, flood, tourism and security cameras with snapshot/stream links."""
