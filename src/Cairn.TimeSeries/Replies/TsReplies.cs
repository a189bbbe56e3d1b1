using Cairn.TimeSeries.Query;

namespace Cairn.TimeSeries.Replies;

/// <summary>
/// Shapes results into the reply trees RedisTimeSeries sends, so the command layer only writes them. RESP2 shapes are
/// RedisTimeSeries's; with <c>resp3</c> TS.INFO becomes a map (the other replies keep their RESP2 array shape, with values
/// as RESP3 doubles — see the format notes in the report for what RedisTimeSeries does beyond that).
/// </summary>
public static class TsReplies
{
    /// <summary>OK for TS.CREATE, TS.ALTER, TS.CREATERULE, TS.DELETERULE.</summary>
    public static TsReply Ok { get; } = TsReply.Simple("OK");

    /// <summary>[timestamp, value].</summary>
    public static TsReply Sample(Sample sample) =>
        TsReply.Array([TsReply.FromInteger(sample.Timestamp), TsReply.FromDouble(sample.Value)]);

    /// <summary>TS.GET: the sample, or an empty array for an empty series.</summary>
    public static TsReply Get(Sample? sample) => sample is { } value ? Sample(value) : TsReply.EmptyArray;

    /// <summary>TS.RANGE / TS.REVRANGE.</summary>
    public static TsReply Samples(IReadOnlyList<Sample> samples)
    {
        var items = new TsReply[samples.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = Sample(samples[i]);
        }
        return TsReply.Array(items);
    }

    /// <summary>TS.MADD: per entry a timestamp or an error (errors are the command layer's to write in place).</summary>
    public static TsReply Timestamp(long timestamp) => TsReply.FromInteger(timestamp);

    public static TsReply Info(IReadOnlyList<InfoField> fields, bool resp3)
    {
        var items = new List<TsReply>(fields.Count * 2);
        foreach (InfoField field in fields)
        {
            items.Add(TsReply.Simple(field.Name));
            items.Add(field.Value);
        }
        return resp3 ? TsReply.Map(items) : TsReply.Array(items);
    }

    /// <summary>TS.MRANGE / TS.MREVRANGE: [[key, [[label, value]..], [[ts, value]..]]..].</summary>
    public static TsReply MultiRange(IReadOnlyList<SeriesResult> series)
    {
        var items = new TsReply[series.Count];
        for (int i = 0; i < items.Length; i++)
        {
            SeriesResult result = series[i];
            items[i] = TsReply.Array([TsReply.Bulk(result.Key), Labels(result.Labels), Samples(result.Samples)]);
        }
        return TsReply.Array(items);
    }

    /// <summary>TS.MGET: [[key, [[label, value]..], [ts, value] or []]..].</summary>
    public static TsReply MultiGet(IReadOnlyList<SeriesResult> series)
    {
        var items = new TsReply[series.Count];
        for (int i = 0; i < items.Length; i++)
        {
            SeriesResult result = series[i];
            TsReply sample = result.Samples.Count > 0 ? Sample(result.Samples[0]) : TsReply.EmptyArray;
            items[i] = TsReply.Array([TsReply.Bulk(result.Key), Labels(result.Labels), sample]);
        }
        return TsReply.Array(items);
    }

    /// <summary>TS.QUERYINDEX: the keys.</summary>
    public static TsReply Keys(IReadOnlyList<byte[]> keys)
    {
        var items = new TsReply[keys.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = TsReply.Bulk(keys[i]);
        }
        return TsReply.Array(items);
    }

    private static TsReply Labels(IReadOnlyList<KeyValuePair<string, string?>> labels)
    {
        var items = new TsReply[labels.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = TsReply.Array([TsReply.Bulk(labels[i].Key), TsReply.BulkOrNil(labels[i].Value)]);
        }
        return TsReply.Array(items);
    }
}
