"""One module per schema change, oldest first; each names the one it follows."""
