"""A log's own history in git: the log at a revision, and what each commit changed.

``git`` reads revisions and files from git's object store (never the working tree);
``patches`` reads each commit's line diff; ``walk`` turns commits into changes, parsing
only the events a commit touched; ``diff`` words a change field by field. No Textual.
"""
