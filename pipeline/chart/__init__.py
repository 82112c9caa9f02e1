"""Chart: the one-page comparison chart's context, fitting, PDF and images."""
