"""The web layer: the app factory (app.py), its extensions and glue (sign-in sessions, error
pages, security headers, templating and cached fragments) and one blueprint per audience:
auth/, candidate/, trainer/, employer/, admin/ (and main.py for the landing page). Views are
thin: they parse the request, call quizapp.services and render templates/.
"""
