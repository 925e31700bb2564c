"""The dashboard's own pages, one module each; the record views are in dashboard/records.py."""
