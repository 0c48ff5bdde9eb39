"""User-visible words of the renderers, in every language the site has."""

from __future__ import annotations

__all__ = ["LANGUAGES", "label"]

LANGUAGES = ("en", "zh")

_LABELS = {
    "en": {
        "corner": "query ↓ · key →",
        "row_sum": "row sum",
        "weight_table_caption": (
            "Attention weights. Each row is a query: the token being updated. "
            "Each column is a key: a token it can attend to. A cell is the share "
            "of attention that the row's token gives to the column's token, so "
            "every row sums to 1; darker cells carry more weight."
        ),
        "weight_table_caption_causal": (
            "Causal attention weights. Each row is a query: the token being "
            "updated. Each column is a key: a token it can attend to. Read a row "
            "from left to right to see where that token looks; darker cells carry "
            "more weight and every row sums to 1. Cells right of the diagonal are "
            "0 because a token cannot see the tokens after it."
        ),
        "table_region": "Attention weight table",
        "masked": "masked",
    },
    "zh": {
        "corner": "查询 ↓ · 键 →",
        "row_sum": "行和",
        "weight_table_caption": (
            "注意力权重。每一行是一个查询，即正在被更新的词元；每一列是一个键，"
            "即它可以关注的词元。单元格表示该行词元分给该列词元的注意力份额，"
            "因此每行之和为 1；颜色越深，权重越大。"
        ),
        "weight_table_caption_causal": (
            "因果注意力权重。每一行是一个查询，即正在被更新的词元；每一列是一个键，"
            "即它可以关注的词元。从左往右读一行，就能看到这个词元把注意力放在哪里；"
            "颜色越深，权重越大，每行之和为 1。对角线右侧都是 0，"
            "因为一个词元看不到它后面的词元。"
        ),
        "table_region": "注意力权重表",
        "masked": "已屏蔽",
    },
}


def label(key: str, lang: str) -> str:
    """Return the text of ``key`` in ``lang``.

    Examples
    --------
    >>> label("row_sum", "zh")
    '行和'
    """
    if lang not in _LABELS:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}; got {lang!r}")
    try:
        return _LABELS[lang][key]
    except KeyError as err:
        raise KeyError(f"no label {key!r} for language {lang!r}") from err
