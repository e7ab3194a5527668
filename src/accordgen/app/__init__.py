"""The drafters' application (``accordgen app``): Voilà serving ``notebooks/app.ipynb``, an
ipywidgets interface in French over the workspace's dossiers (:mod:`.ui`), built on what
:mod:`.data` gathers."""
