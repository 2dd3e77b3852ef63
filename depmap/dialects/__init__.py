"""Knowledge of the target databases, in one place: what each dialect and server version does
when a column is added (`capabilities`), its reserved words (`reserved_words`), and which
database a project runs on, read from what its code and configuration say (`detect`).

May import `depmap.model`, `depmap.impact.spec` (the column being judged) and `depmap.discover`
(which files inside the scanned root may be read); the rules and the plan read dialect facts from
here instead of keeping their own.
"""
