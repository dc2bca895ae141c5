"""WeChat service-account and WeCom channels: security checks, reply rendering, delivery and the conversation glue."""
