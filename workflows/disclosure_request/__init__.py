"""The disclosure request workflow (依申请公开): its domain rules and, later, its definition."""
