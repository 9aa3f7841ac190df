"""Web views: thin functions that parse the request, call a service and render."""
