"""Build-time adapters between MkDocs and ``attention_core``.

``hooks/mkdocs_hooks.py`` is the file that ``mkdocs.yml`` names; it puts the
repository root on ``sys.path`` and delegates to the modules of this package.
"""
