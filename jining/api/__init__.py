"""The partner REST API: shared serializer and viewset bases, the router (urls.py), stats and schema."""
