"""Label search and the W3C Reconciliation Service."""
