using Cairn.TimeSeries.Aggregation;
using Cairn.TimeSeries.Codec;
using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries.Replies;

/// <summary>
/// TS.INFO's fields in RedisTimeSeries's order and spelling (NRedisStack's TimeSeriesInformation parses them by name).
/// maxSamplesPerChunk is the uncompressed capacity, CHUNK_SIZE / 16, as older RedisTimeSeries reported it.
/// </summary>
internal static class InfoBuilder
{
    public static List<InfoField> Build(TimeSeriesData series, bool debug)
    {
        var labels = new List<TsReply>(series.Labels.Count);
        foreach (Label label in series.Labels)
        {
            labels.Add(TsReply.Array([TsReply.Bulk(label.Name), TsReply.Bulk(label.Value)]));
        }
        var rules = new List<TsReply>(series.Rules.Count);
        foreach (CompactionRule rule in series.Rules)
        {
            rules.Add(TsReply.Array(
            [
                TsReply.Bulk(rule.DestinationKey),
                TsReply.FromInteger(rule.BucketDurationMilliseconds),
                TsReply.Simple(AggregationNames.ToUpperName(rule.Aggregation)),
                TsReply.FromInteger(rule.AlignTimestamp),
            ]));
        }
        var fields = new List<InfoField>
        {
            new("totalSamples", TsReply.FromInteger(series.TotalSamples)),
            new("memoryUsage", TsReply.FromInteger(series.MemoryUsageBytes)),
            new("firstTimestamp", TsReply.FromInteger(series.FirstTimestamp)),
            new("lastTimestamp", TsReply.FromInteger(series.LastTimestamp)),
            new("retentionTime", TsReply.FromInteger(series.RetentionMilliseconds)),
            new("chunkCount", TsReply.FromInteger(series.ChunkCount)),
            new("chunkSize", TsReply.FromInteger(series.ChunkSizeBytes)),
            new("maxSamplesPerChunk", TsReply.FromInteger(series.ChunkSizeBytes / 16)),
            new("chunkType", TsReply.Simple(series.Encoding == ChunkEncoding.Compressed ? "compressed" : "uncompressed")),
            new("duplicatePolicy", series.DuplicatePolicy is { } policy ? TsReply.Simple(policy.ToString().ToLowerInvariant()) : TsReply.Nil),
            new("labels", TsReply.Array(labels)),
            new("sourceKey", series.SourceKey is { } source ? TsReply.Bulk(source) : TsReply.Nil),
            new("rules", TsReply.Array(rules)),
            new("ignoreMaxTimeDiff", TsReply.FromInteger(series.IgnoreMaxTimeDifferenceMilliseconds)),
            new("ignoreMaxValDiff", TsReply.FromDouble(series.IgnoreMaxValueDifference)),
        };
        if (debug)
        {
            fields.Add(new("keySelfName", TsReply.Bulk(series.Key)));
            var chunks = new List<TsReply>(series.ChunkCount);
            foreach (Chunk chunk in series.Chunks)
            {
                chunks.Add(TsReply.Array(
                [
                    TsReply.Simple("startTimestamp"), TsReply.FromInteger(chunk.FirstTimestamp),
                    TsReply.Simple("endTimestamp"), TsReply.FromInteger(chunk.LastTimestamp),
                    TsReply.Simple("samples"), TsReply.FromInteger(chunk.Count),
                    TsReply.Simple("size"), TsReply.FromInteger(chunk.CapacityBytes),
                    TsReply.Simple("bytesPerSample"), TsReply.Simple(ValueFormatter.Format((double)chunk.SizeBytes / chunk.Count)),
                ]));
            }
            fields.Add(new("Chunks", TsReply.Array(chunks)));
        }
        return fields;
    }
}
