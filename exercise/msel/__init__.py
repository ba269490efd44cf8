"""A scenario's injects as a Master Scenario Events List (MSEL) spreadsheet, and back.

Exercise designers keep their injects in a spreadsheet with a row per inject (HSEEP's
MSEL and its cousins). ``exercise msel export`` writes a scenario's injects as one, in
the order of play (with what fired, given a session log); ``exercise msel import`` reads
one (CSV or XLSX, in our columns or a common template's) into a scenario. See
``docs/msel.md``.
"""
