"""The FAQ feature: knowledge base, matcher, service and `flask faq`."""
