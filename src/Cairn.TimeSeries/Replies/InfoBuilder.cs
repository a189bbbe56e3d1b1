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
    /// <summary>With <paramref name="resp3"/>, labels are a map of name to value and rules a map of destination to
    /// [bucketDuration, aggregator, alignment], as RedisTimeSeries replies to a HELLO 3 client.</summary>
    public static List<InfoField> Build(TimeSeriesData series, bool debug, bool resp3 = false)
    {
        var labelPairs = new List<KeyValuePair<string, string?>>(series.Labels.Count);
        foreach (Label label in series.Labels)
        {
            labelPairs.Add(new(label.Name, label.Value));
        }
        TsReply labels = TsReplies.Labels(labelPairs, resp3);
        var rules = new List<TsReply>(series.Rules.Count * 2);
        foreach (CompactionRule rule in series.Rules)
        {
            TsReply destination = TsReply.Bulk(rule.DestinationKey);
            TsReply bucket = TsReply.FromInteger(rule.BucketDurationMilliseconds);
            TsReply aggregator = TsReply.Simple(AggregationNames.ToUpperName(rule.Aggregation));
            TsReply alignment = TsReply.FromInteger(rule.AlignTimestamp);
            if (resp3)
            {
                rules.Add(destination);
                rules.Add(TsReply.Array([bucket, aggregator, alignment]));
            }
            else
            {
                rules.Add(TsReply.Array([destination, bucket, aggregator, alignment]));
            }
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
            new("labels", labels),
            new("sourceKey", series.SourceKey is { } source ? TsReply.Bulk(source) : TsReply.Nil),
            new("rules", resp3 ? TsReply.Map(rules) : TsReply.Array(rules)),
            new("ignoreMaxTimeDiff", TsReply.FromInteger(series.IgnoreMaxTimeDifferenceMilliseconds)),
            new("ignoreMaxValDiff", TsReply.FromDouble(series.IgnoreMaxValueDifference)),
        };
        if (debug)
        {
            fields.Add(new("keySelfName", TsReply.Bulk(series.Key)));
            var chunks = new List<TsReply>(series.ChunkCount);
            foreach (Chunk chunk in series.Chunks)
            {
                var chunkFields = new List<TsReply>
                {
                    TsReply.Simple("startTimestamp"), TsReply.FromInteger(chunk.FirstTimestamp),
                    TsReply.Simple("endTimestamp"), TsReply.FromInteger(chunk.LastTimestamp),
                    TsReply.Simple("samples"), TsReply.FromInteger(chunk.Count),
                    TsReply.Simple("size"), TsReply.FromInteger(chunk.CapacityBytes),
                    TsReply.Simple("bytesPerSample"), TsReply.Simple(ValueFormatter.Format((double)chunk.SizeBytes / chunk.Count)),
                };
                chunks.Add(resp3 ? TsReply.Map(chunkFields) : TsReply.Array(chunkFields));
            }
            fields.Add(new("Chunks", TsReply.Array(chunks)));
        }
        return fields;
    }
}
