using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Arguments;

/// <summary>TS.CREATE key [RETENTION ms] [ENCODING ..] [CHUNK_SIZE bytes] [DUPLICATE_POLICY p] [IGNORE t v] [LABELS l v ..].</summary>
public sealed record CreateArguments(byte[] Key, SeriesOptions Options);
