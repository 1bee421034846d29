"""Every read the pages, the API, the reports and the CLI share.

Route modules, `pushes` and `cli` call these functions; none of them builds its
own query for something another audience also shows. Scoping by role and
department is part of the query (a liaison's lookup of another department's
item finds nothing). Modules here import models, status, clock and labels only.
"""
