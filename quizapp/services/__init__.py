"""Services: the application's work on the database, without Flask.

Each module takes a SQLAlchemy session or connection and the current time as arguments:
starting and saving attempts, results, the catalogue, imports, the trainer's workspace and
upload, organisations and the cohort dashboard, exports. Views (quizapp.web) and commands
(quizapp.cli) call these; these call the domain and the data layer.
"""
