"""What the notebooks call (``from accordgen import notebook as nb``): load with a summary,
render, preview, key dates, the form, redlines."""

from __future__ import annotations

from .api import (
    apercu,
    charger,
    chemin_sortie,
    comparer,
    comparer_a_l_accord,
    dates_cles,
    formulaire,
    generer,
    resume,
    sortie_par_defaut,
)
from .garde import arreter_si_erreur

__all__ = ["apercu", "arreter_si_erreur", "charger", "chemin_sortie", "comparer", "comparer_a_l_accord", "dates_cles",
           "formulaire", "generer", "resume", "sortie_par_defaut"]
