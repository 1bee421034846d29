"""What talks to other systems: webhooks and mail."""
