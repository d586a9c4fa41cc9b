# HELPER NOTE (temporary, the lead removes it): if you are a helper writing sandbox endpoints, first read
# /work/HELPER_BRIEF_SANDBOX.md — your brief's common part (rules: no git commands, your files only, tests).
