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
        "head": "Head {n}",
        "weight_scale": "attention weight",
        "heatmap_region": "Attention heatmap",
        "heatmap_title": "Attention weights: {rows} queries × {cols} keys",
        "heatmap_title_heads": (
            "Attention weights of {n_heads} heads: {rows} queries × {cols} keys"
        ),
        "heatmap_desc": (
            "Rows are queries and columns are keys. A darker cell carries more "
            "weight, on one colour scale from 0 to {top}. The largest weight, "
            "{max}, goes from query {query} to key {key} ({head})."
        ),
        "heatmap_caption": (
            "Attention weights as a heatmap. Each row is a query and each column "
            "a key; darker cells carry more weight, and every row sums to 1."
        ),
        "heatmap_caption_heads": (
            "Attention weights of each head. Each row is a query and each column "
            "a key; darker cells carry more weight, and every row sums to 1. All "
            "heads share one colour scale, so their shades compare directly."
        ),
        "mask_region": "Attention mask figure",
        "mask_axis": "query ↓ · key →",
        "mask_allowed": "may attend",
        "mask_title": "Attention mask: {name}",
        "mask_desc": (
            "A grid of {rows} query positions by {cols} key positions. {allowed} "
            "of {total} query-key pairs may attend ({percent}%); the others are "
            "masked."
        ),
        "mask_caption": (
            "Mask pattern: {name}. A dark cell means that the query of its row "
            "may attend to the key of its column; a pale cell is masked."
        ),
        "mask_none": "no mask",
        "mask_causal": "causal",
        "mask_padding": "padding after {length} real tokens",
        "mask_sliding_window": "causal sliding window of {window}",
        "mask_sliding_window_two_sided": "two-sided sliding window of {window}",
        "mask_dilated": "causal dilated window of {window} slots, {dilation} apart",
        "mask_dilated_two_sided": (
            "two-sided dilated window of {window} slots, {dilation} apart"
        ),
        "mask_global": "global tokens at positions {positions}",
        "mask_block_sparse": (
            "BigBird block-sparse with blocks of {block_size}, a window of "
            "{window_blocks} blocks, global blocks {global_blocks} and "
            "{random_blocks} random blocks per row"
        ),
        "mask_join_and": " and ",
        "mask_join_or": " or ",
        "cost_region": "Cost chart",
        "cost_axis_x": "sequence length (log scale)",
        "cost_axis_flops": "FLOPs per layer (log scale)",
        "cost_axis_memory": "bytes moved per layer (log scale)",
        "cost_title_flops": "Attention FLOPs per layer against sequence length",
        "cost_title_memory": (
            "Attention memory traffic per layer against sequence length"
        ),
        "cost_desc": "A log-log line chart with {count} lines. {lines}.",
        "cost_desc_line": (
            "{name}: {first} at {first_len} tokens, {last} at {last_len} tokens"
        ),
        "cost_desc_sep": "; ",
        "cost_caption_flops": (
            "FLOPs of the two matrix products of attention, Q·Kᵀ and weights·V, "
            "in one layer, summed over heads. Both axes are logarithmic, so a "
            "line of slope 2 grows with the square of the sequence length."
        ),
        "cost_caption_memory": (
            "Bytes that attention reads from and writes to main memory in one "
            "layer, an estimate that ignores caches. Both axes are logarithmic."
        ),
        "kv_region": "KV-cache size table",
        "kv_model": "model",
        "kv_type": "attention",
        "kv_shape": "layers × KV heads × d_head",
        "kv_window": "window",
        "kv_dtype": "dtype",
        "kv_per_token": "per token",
        "kv_context": "{n} tokens",
        "kv_caption": (
            "KV-cache size: every layer stores a key and a value vector per "
            "key/value head for each cached token. Sizes are for a batch of "
            "{batch} sequence(s); a model with a sliding window caches at most "
            "that many tokens."
        ),
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
        "head": "头 {n}",
        "weight_scale": "注意力权重",
        "heatmap_region": "注意力热图",
        "heatmap_title": "注意力权重：{rows} 个查询 × {cols} 个键",
        "heatmap_title_heads": (
            "{n_heads} 个头的注意力权重：{rows} 个查询 × {cols} 个键"
        ),
        "heatmap_desc": (
            "行是查询，列是键。颜色越深，权重越大，色标从 0 到 {top}。"
            "最大的权重是 {max}，由查询 {query} 指向键 {key}（{head}）。"
        ),
        "heatmap_caption": (
            "注意力权重热图。每一行是一个查询，每一列是一个键；"
            "颜色越深，权重越大，每行之和为 1。"
        ),
        "heatmap_caption_heads": (
            "各个头的注意力权重。每一行是一个查询，每一列是一个键；"
            "颜色越深，权重越大，每行之和为 1。所有头共用一个色标，深浅可以直接比较。"
        ),
        "mask_region": "注意力掩码图",
        "mask_axis": "查询 ↓ · 键 →",
        "mask_allowed": "可以关注",
        "mask_title": "注意力掩码：{name}",
        "mask_desc": (
            "{rows} 个查询位置乘 {cols} 个键位置的网格。{total} 个查询–键对中"
            "有 {allowed} 个可以关注（{percent}%），其余被屏蔽。"
        ),
        "mask_caption": (
            "掩码模式：{name}。深色格子表示该行的查询可以关注该列的键；"
            "浅色格子表示被屏蔽。"
        ),
        "mask_none": "无掩码",
        "mask_causal": "因果",
        "mask_padding": "前 {length} 个为真实词元，其后为填充",
        "mask_sliding_window": "宽度为 {window} 的因果滑动窗口",
        "mask_sliding_window_two_sided": "宽度为 {window} 的双向滑动窗口",
        "mask_dilated": "因果空洞窗口，{window} 个位置，间隔 {dilation}",
        "mask_dilated_two_sided": "双向空洞窗口，{window} 个位置，间隔 {dilation}",
        "mask_global": "全局词元位于 {positions}",
        "mask_block_sparse": (
            "BigBird 块稀疏：块大小 {block_size}，窗口 {window_blocks} 个块，"
            "全局块 {global_blocks}，每行 {random_blocks} 个随机块"
        ),
        "mask_join_and": "，并且",
        "mask_join_or": "，或者",
        "cost_region": "开销图",
        "cost_axis_x": "序列长度（对数刻度）",
        "cost_axis_flops": "每层浮点运算次数（对数刻度）",
        "cost_axis_memory": "每层读写字节数（对数刻度）",
        "cost_title_flops": "每层注意力的浮点运算次数随序列长度的变化",
        "cost_title_memory": "每层注意力的内存读写量随序列长度的变化",
        "cost_desc": "双对数折线图，共 {count} 条线。{lines}。",
        "cost_desc_line": (
            "{name}：{first_len} 个词元时为 {first}，{last_len} 个词元时为 {last}"
        ),
        "cost_desc_sep": "；",
        "cost_caption_flops": (
            "一层注意力中两次矩阵乘法（Q·Kᵀ 和 权重·V）的浮点运算次数，"
            "对所有头求和。两条坐标轴都是对数刻度，斜率为 2 的线随序列长度的平方增长。"
        ),
        "cost_caption_memory": (
            "一层注意力在主存中读写的字节数，这是一个忽略缓存的估计。"
            "两条坐标轴都是对数刻度。"
        ),
        "kv_region": "KV 缓存大小表",
        "kv_model": "模型",
        "kv_type": "注意力类型",
        "kv_shape": "层数 × KV 头数 × d_head",
        "kv_window": "窗口",
        "kv_dtype": "数据类型",
        "kv_per_token": "每个词元",
        "kv_context": "{n} 个词元",
        "kv_caption": (
            "KV 缓存大小：每一层为每个缓存的词元、每个键值头存一个键向量和一个值向量。"
            "表中为批大小 {batch} 时的大小；使用滑动窗口的模型最多缓存窗口内的词元。"
        ),
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
