"""New paper readers for issue 14, kept apart until the sources stage becomes `pipeline/sources/`."""
