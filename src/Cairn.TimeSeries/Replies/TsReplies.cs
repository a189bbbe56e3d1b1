using Cairn.TimeSeries.Aggregation;
using Cairn.TimeSeries.Arguments;
using Cairn.TimeSeries.Query;

namespace Cairn.TimeSeries.Replies;

/// <summary>
/// Shapes results into the reply trees RedisTimeSeries sends, so the command layer only writes them. With <c>resp3</c>
/// (the client said HELLO 3) the shapes are RedisTimeSeries's RESP3 ones (src/reply.c, module.c): TS.MRANGE and TS.MGET
/// become maps keyed by series name, labels become maps of name to value, TS.INFO a map (its labels and rules maps too),
/// TS.QUERYINDEX a set, and sample values doubles; otherwise the RESP2 arrays, with values as simple strings.
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

    /// <summary>
    /// TS.MRANGE / TS.MREVRANGE. RESP2: [[key, [[label, value]..], [[ts, value]..]]..]. RESP3: {key: [{label: value..},
    /// {"aggregators": [name..]}, [[ts, value]..]]..}, and for a GROUPBY group {key: [{label: value..}, {"reducers":
    /// [reducer]}, {"sources": [key..]}, [[ts, value]..]]..} with the __reducer__ and __source__ labels left out.
    /// </summary>
    public static TsReply MultiRange(IReadOnlyList<SeriesResult> series, MultiRangeArguments? arguments = null, bool resp3 = false)
    {
        if (!resp3)
        {
            var items = new TsReply[series.Count];
            for (int i = 0; i < items.Length; i++)
            {
                SeriesResult result = series[i];
                items[i] = TsReply.Array([TsReply.Bulk(result.Key), Labels(result.Labels, resp3: false), Samples(result.Samples)]);
            }
            return TsReply.Array(items);
        }
        TsReply aggregators = arguments?.Options.Aggregation is { } aggregation
            ? TsReply.Array([TsReply.Bulk(AggregationNames.ToLowerName(aggregation.Type))])
            : TsReply.EmptyArray;
        var pairs = new List<TsReply>(series.Count * 2);
        foreach (SeriesResult result in series)
        {
            pairs.Add(TsReply.Bulk(result.Key));
            if (result.Reducer is { } reducer)
            {
                var sources = new TsReply[result.Sources?.Count ?? 0];
                for (int i = 0; i < sources.Length; i++)
                {
                    sources[i] = TsReply.Bulk(result.Sources![i]);
                }
                pairs.Add(TsReply.Array(
                [
                    Labels(WithoutGroupLabels(result.Labels), resp3: true),
                    TsReply.Map([TsReply.Bulk("reducers"), TsReply.Array([TsReply.Bulk(reducer)])]),
                    TsReply.Map([TsReply.Bulk("sources"), TsReply.Array(sources)]),
                    Samples(result.Samples),
                ]));
            }
            else
            {
                pairs.Add(TsReply.Array(
                [
                    Labels(result.Labels, resp3: true),
                    TsReply.Map([TsReply.Bulk("aggregators"), aggregators]),
                    Samples(result.Samples),
                ]));
            }
        }
        return TsReply.Map(pairs);
    }

    /// <summary>
    /// TS.MGET. RESP2: [[key, [[label, value]..], [ts, value] or []]..]. RESP3: {key: [{label: value..}, [ts, value] or
    /// []]..}.
    /// </summary>
    public static TsReply MultiGet(IReadOnlyList<SeriesResult> series, bool resp3 = false)
    {
        var items = new List<TsReply>(series.Count * (resp3 ? 2 : 1));
        foreach (SeriesResult result in series)
        {
            TsReply sample = result.Samples.Count > 0 ? Sample(result.Samples[0]) : TsReply.EmptyArray;
            if (resp3)
            {
                items.Add(TsReply.Bulk(result.Key));
                items.Add(TsReply.Array([Labels(result.Labels, resp3: true), sample]));
            }
            else
            {
                items.Add(TsReply.Array([TsReply.Bulk(result.Key), Labels(result.Labels, resp3: false), sample]));
            }
        }
        return resp3 ? TsReply.Map(items) : TsReply.Array(items);
    }

    /// <summary>TS.QUERYINDEX: the keys (a set in RESP3).</summary>
    public static TsReply Keys(IReadOnlyList<byte[]> keys, bool resp3 = false)
    {
        var items = new TsReply[keys.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = TsReply.Bulk(keys[i]);
        }
        return resp3 ? TsReply.Set(items) : TsReply.Array(items);
    }

    /// <summary>A series' labels: [[name, value]..] in RESP2, {name: value..} in RESP3 (a missing selected label is null).</summary>
    internal static TsReply Labels(IReadOnlyList<KeyValuePair<string, string?>> labels, bool resp3)
    {
        if (resp3)
        {
            var pairs = new TsReply[labels.Count * 2];
            for (int i = 0; i < labels.Count; i++)
            {
                pairs[2 * i] = TsReply.Bulk(labels[i].Key);
                pairs[(2 * i) + 1] = TsReply.BulkOrNil(labels[i].Value);
            }
            return TsReply.Map(pairs);
        }
        var items = new TsReply[labels.Count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = TsReply.Array([TsReply.Bulk(labels[i].Key), TsReply.BulkOrNil(labels[i].Value)]);
        }
        return TsReply.Array(items);
    }

    private static List<KeyValuePair<string, string?>> WithoutGroupLabels(IReadOnlyList<KeyValuePair<string, string?>> labels)
    {
        var kept = new List<KeyValuePair<string, string?>>(labels.Count);
        foreach (KeyValuePair<string, string?> label in labels)
        {
            if (label.Key is not ("__reducer__" or "__source__"))
            {
                kept.Add(label);
            }
        }
        return kept;
    }
}
