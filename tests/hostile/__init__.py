"""Attack cases of issue 14: hostile input must not stall the service, crash or leak."""
