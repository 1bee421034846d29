"""What talks to other systems: webhooks, mail and the single sign-on IdP."""
