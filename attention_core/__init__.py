"""Attention mechanisms, a cost model and HTML/SVG renderers, in numpy.

The same package runs at build time in CPython and in the reader's browser
under Pyodide 0.27.7 (Python 3.12, numpy 2.0.2). It imports nothing from
MkDocs and nothing browser-specific.
"""

from .additive import *  # noqa: F403
from .additive import __all__ as _additive_all
from .attention import *  # noqa: F403
from .attention import __all__ as _attention_all
from .charts import *  # noqa: F403
from .charts import __all__ as _charts_all
from .cost import *  # noqa: F403
from .cost import __all__ as _cost_all
from .data_table import *  # noqa: F403
from .data_table import __all__ as _data_table_all
from .demo import *  # noqa: F403
from .demo import __all__ as _demo_all
from .figures import *  # noqa: F403
from .figures import __all__ as _figures_all
from .formatting import *  # noqa: F403
from .formatting import __all__ as _formatting_all
from .grouped_query import *  # noqa: F403
from .grouped_query import __all__ as _grouped_query_all
from .html import *  # noqa: F403
from .html import __all__ as _html_all
from .kv_cache import *  # noqa: F403
from .kv_cache import __all__ as _kv_cache_all
from .labels import *  # noqa: F403
from .labels import __all__ as _labels_all
from .masks import *  # noqa: F403
from .masks import __all__ as _masks_all
from .models import *  # noqa: F403
from .models import __all__ as _models_all
from .multihead import *  # noqa: F403
from .multihead import __all__ as _multihead_all
from .softmax import *  # noqa: F403
from .softmax import __all__ as _softmax_all
from .svg import *  # noqa: F403
from .svg import __all__ as _svg_all
from .tables import *  # noqa: F403
from .tables import __all__ as _tables_all
from .tiled import *  # noqa: F403
from .tiled import __all__ as _tiled_all
from .toy import *  # noqa: F403
from .toy import __all__ as _toy_all
from .units import *  # noqa: F403
from .units import __all__ as _units_all

__version__ = "0.1.0"

__all__ = [
    *_additive_all,
    *_attention_all,
    *_charts_all,
    *_cost_all,
    *_data_table_all,
    *_demo_all,
    *_figures_all,
    *_formatting_all,
    *_grouped_query_all,
    *_html_all,
    *_kv_cache_all,
    *_labels_all,
    *_masks_all,
    *_models_all,
    *_multihead_all,
    *_softmax_all,
    *_svg_all,
    *_tables_all,
    *_tiled_all,
    *_toy_all,
    *_units_all,
]
