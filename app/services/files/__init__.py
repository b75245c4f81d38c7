"""Files: the content-addressed blob store (a folder or S3), upload checks, form file receivers,
and pruning blobs no dossier names.
"""
