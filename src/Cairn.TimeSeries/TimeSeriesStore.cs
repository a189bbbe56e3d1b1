using Cairn.Primitives;
using Cairn.TimeSeries.Aggregation;
using Cairn.TimeSeries.Arguments;
using Cairn.TimeSeries.Index;
using Cairn.TimeSeries.Query;
using Cairn.TimeSeries.Series;

namespace Cairn.TimeSeries;

/// <summary>
/// The TS.* operations over a keyspace of series: one method per command, taking the parsed arguments and returning a typed
/// result or an error reply. Owns the label index and keeps compaction rules current (including chains and late samples).
/// Time is a parameter (<c>nowMilliseconds</c> stands in for <c>*</c>); nothing here reads a clock.
/// Not thread-safe: the command layer runs commands of one keyspace one at a time, and must call <see cref="OnKeyDeleted"/>
/// and <see cref="OnKeyRenamed"/> when DEL / UNLINK / expiry / RENAME / FLUSHDB touch a series.
/// </summary>
public sealed class TimeSeriesStore
{
    /// <summary>A bound on rule chains (raw -> 1m -> 1h ...): chains are acyclic, so this only guards against bugs.</summary>
    public const int MaximumRuleChainDepth = 32;

    private readonly ISeriesKeyspace _keyspace;
    private readonly LabelIndex _index = new();

    public TimeSeriesStore(ISeriesKeyspace keyspace)
    {
        _keyspace = keyspace;
    }

    /// <summary>The server-wide DUPLICATE_POLICY for series that set none (RedisTimeSeries's ts-duplicate-policy).</summary>
    public DuplicatePolicy DefaultDuplicatePolicy { get; set; } = DuplicatePolicy.Block;

    /// <summary>Defaults for series that TS.ADD / TS.INCRBY create without options (retention-policy, chunk-size-bytes, encoding).</summary>
    public SeriesOptions DefaultOptions { get; set; } = new();

    public LabelIndex Index => _index;

    public TsResult<TimeSeriesData> Create(CreateArguments arguments)
    {
        KeyLookup lookup = _keyspace.TryGet(arguments.Key, out _);
        if (lookup != KeyLookup.Missing)
        {
            return TsResult<TimeSeriesData>.Fail(TsErrors.KeyExists);
        }
        return CreateSeries(arguments.Key, arguments.Options);
    }

    public TsResult<bool> Alter(AlterArguments arguments)
    {
        if (Find(arguments.Key, out TimeSeriesData? series) is { } error)
        {
            return TsResult<bool>.Fail(error);
        }
        series!.RetentionMilliseconds = arguments.RetentionMilliseconds ?? series.RetentionMilliseconds;
        series.ChunkSizeBytes = arguments.ChunkSizeBytes ?? series.ChunkSizeBytes;
        series.DuplicatePolicy = arguments.DuplicatePolicy ?? series.DuplicatePolicy;
        series.IgnoreMaxTimeDifferenceMilliseconds = arguments.IgnoreMaxTimeDifferenceMilliseconds ?? series.IgnoreMaxTimeDifferenceMilliseconds;
        series.IgnoreMaxValueDifference = arguments.IgnoreMaxValueDifference ?? series.IgnoreMaxValueDifference;
        if (arguments.Labels is { } labels)
        {
            series.Labels = labels;
            _index.Add(series.Key, labels);
        }
        return true;
    }

    /// <summary>TS.ADD: replies the timestamp stored (or, under IGNORE, the series' last timestamp).</summary>
    public TsResult<long> Add(AddArguments arguments, long nowMilliseconds)
    {
        KeyLookup lookup = _keyspace.TryGet(arguments.Key, out TimeSeriesData? series);
        if (lookup == KeyLookup.WrongType)
        {
            return TsResult<long>.Fail(TsErrors.NotATimeSeries);
        }
        if (lookup == KeyLookup.Missing)
        {
            TsResult<TimeSeriesData> created = CreateSeries(arguments.Key, arguments.CreateOptions);
            if (created.IsError)
            {
                return TsResult<long>.Fail(created.Error);
            }
            series = created.Value;
        }
        DuplicatePolicy policy = arguments.OnDuplicate ?? series!.DuplicatePolicy ?? DefaultDuplicatePolicy;
        return AddSample(series!, arguments.Timestamp ?? nowMilliseconds, arguments.Value, policy);
    }

    /// <summary>TS.MADD: one result per entry, each a timestamp or an error; a missing key is an error, not a creation.</summary>
    public List<TsResult<long>> MultiAdd(IReadOnlyList<MultiAddEntry> entries, long nowMilliseconds)
    {
        var results = new List<TsResult<long>>(entries.Count);
        foreach (MultiAddEntry entry in entries)
        {
            if (entry.Error is { } parseError)
            {
                results.Add(TsResult<long>.Fail(parseError));
                continue;
            }
            // TS.MADD never creates a series; a missing key and a key of another type get the same reply (module.c add()).
            if (_keyspace.TryGet(entry.Key, out TimeSeriesData? series) != KeyLookup.Series)
            {
                results.Add(TsResult<long>.Fail(TsErrors.NotATimeSeries));
                continue;
            }
            DuplicatePolicy policy = series!.DuplicatePolicy ?? DefaultDuplicatePolicy;
            results.Add(AddSample(series, entry.Timestamp ?? nowMilliseconds, entry.Value, policy));
        }
        return results;
    }

    /// <summary>TS.INCRBY / TS.DECRBY: adds delta to the last value at a timestamp not older than the last one.</summary>
    public TsResult<long> Increment(IncrementArguments arguments, long nowMilliseconds)
    {
        KeyLookup lookup = _keyspace.TryGet(arguments.Key, out TimeSeriesData? series);
        if (lookup == KeyLookup.WrongType)
        {
            return TsResult<long>.Fail(TsErrors.WrongType);
        }
        if (lookup == KeyLookup.Missing)
        {
            TsResult<TimeSeriesData> created = CreateSeries(arguments.Key, arguments.CreateOptions);
            if (created.IsError)
            {
                return TsResult<long>.Fail(created.Error);
            }
            series = created.Value;
        }
        long timestamp = arguments.Timestamp ?? nowMilliseconds;
        double value = arguments.Delta;
        if (series!.LastSample is { } last)
        {
            if (timestamp < last.Timestamp)
            {
                return TsResult<long>.Fail(TsErrors.IncrementTooOld);
            }
            value += last.Value;
        }
        // An increment at the last timestamp replaces that sample whatever the duplicate policy (RedisTimeSeries does the same).
        return AddSample(series, timestamp, value, DuplicatePolicy.Last);
    }

    /// <summary>TS.DEL: the number of samples deleted.</summary>
    public TsResult<long> DeleteRange(DeleteArguments arguments)
    {
        if (Find(arguments.Key, out TimeSeriesData? series) is { } error)
        {
            return TsResult<long>.Fail(error);
        }
        return DeleteRangeAndPropagate(series!, arguments.FromTimestamp, arguments.ToTimestamp, 0);
    }

    /// <summary>TS.GET: the last sample, or null for an empty series (the reply is then an empty array).</summary>
    public TsResult<Sample?> Get(GetArguments arguments)
    {
        if (Find(arguments.Key, out TimeSeriesData? series) is { } error)
        {
            return TsResult<Sample?>.Fail(error);
        }
        return TsResult<Sample?>.Ok(LastSample(series!, arguments.Latest));
    }

    public TsResult<List<Sample>> Range(RangeArguments arguments, bool reverse)
    {
        if (Find(arguments.Key, out TimeSeriesData? series) is { } error)
        {
            return TsResult<List<Sample>>.Fail(error);
        }
        return RangeOf(series!, arguments.Options, reverse);
    }

    /// <summary>TS.MRANGE / TS.MREVRANGE: series in bytewise key order (groups in label-value order under GROUPBY).</summary>
    public List<SeriesResult> MultiRange(MultiRangeArguments arguments, bool reverse)
    {
        List<byte[]> keys = _index.Query(arguments.Filter);
        var results = new List<SeriesResult>(keys.Count);
        var series = new List<TimeSeriesData>(keys.Count);
        foreach (byte[] key in keys)
        {
            if (_keyspace.TryGet(key, out TimeSeriesData? found) == KeyLookup.Series)
            {
                series.Add(found!);
            }
        }
        if (arguments.GroupBy is { } groupBy)
        {
            return GroupReducer.Reduce(series, arguments, reverse, s => RangeOf(s, arguments.Options, reverse: false));
        }
        foreach (TimeSeriesData item in series)
        {
            results.Add(new SeriesResult(item.Key, SelectLabels(item.Labels, arguments.Labels), RangeOf(item, arguments.Options, reverse)));
        }
        return results;
    }

    public List<SeriesResult> MultiGet(MultiGetArguments arguments)
    {
        List<byte[]> keys = _index.Query(arguments.Filter);
        var results = new List<SeriesResult>(keys.Count);
        foreach (byte[] key in keys)
        {
            if (_keyspace.TryGet(key, out TimeSeriesData? series) != KeyLookup.Series)
            {
                continue;
            }
            Sample? last = LastSample(series!, arguments.Latest);
            Sample[] samples = last is { } sample ? [sample] : [];
            results.Add(new SeriesResult(series!.Key, SelectLabels(series.Labels, arguments.Labels), samples));
        }
        return results;
    }

    public List<byte[]> QueryIndex(IReadOnlyList<LabelMatcher> filter) => _index.Query(filter);

    public TsResult<bool> CreateRule(CreateRuleArguments arguments)
    {
        if (arguments.SourceKey.AsSpan().SequenceEqual(arguments.DestinationKey))
        {
            return TsResult<bool>.Fail(TsErrors.SameSourceAndDestination);
        }
        if (Find(arguments.SourceKey, out TimeSeriesData? source) is { } sourceError)
        {
            return TsResult<bool>.Fail(sourceError);
        }
        if (Find(arguments.DestinationKey, out TimeSeriesData? destination) is { } destinationError)
        {
            return TsResult<bool>.Fail(destinationError);
        }
        if (destination!.SourceKey is not null)
        {
            return TsResult<bool>.Fail(TsErrors.DestinationHasSource);
        }
        // Each series has at most one source, so a cycle exists exactly when the destination is an ancestor of the source.
        byte[]? ancestor = source!.SourceKey;
        for (int depth = 0; ancestor is not null && depth <= MaximumRuleChainDepth; depth++)
        {
            if (ancestor.AsSpan().SequenceEqual(arguments.DestinationKey))
            {
                return TsResult<bool>.Fail(TsErrors.RuleCycle);
            }
            ancestor = _keyspace.TryGet(ancestor, out TimeSeriesData? parent) == KeyLookup.Series ? parent!.SourceKey : null;
        }
        var rule = new CompactionRule(destination.Key, arguments.Aggregation, arguments.BucketDurationMilliseconds, arguments.AlignTimestamp);
        if (source.TotalSamples == 0)
        {
            // Nothing predates the rule, so every bucket, however late its samples arrive, is the rule's to compact.
            rule.ActiveFromTimestamp = long.MinValue;
        }
        source.RuleList.Add(rule);
        destination.SourceKey = source.Key;
        if (arguments.Backfill)
        {
            Backfill(source, destination, rule);
        }
        return true;
    }

    public TsResult<bool> DeleteRule(DeleteRuleArguments arguments)
    {
        if (Find(arguments.SourceKey, out TimeSeriesData? source) is { } sourceError)
        {
            return TsResult<bool>.Fail(sourceError);
        }
        if (Find(arguments.DestinationKey, out TimeSeriesData? destination) is { } destinationError)
        {
            return TsResult<bool>.Fail(destinationError);
        }
        int index = FindRule(source!, arguments.DestinationKey);
        if (index < 0)
        {
            return TsResult<bool>.Fail(TsErrors.RuleMissing);
        }
        source!.RuleList.RemoveAt(index);
        destination!.SourceKey = null;
        return true;
    }

    /// <summary>TS.INFO [DEBUG].</summary>
    public TsResult<List<Replies.InfoField>> Info(byte[] key, bool debug, bool resp3 = false)
    {
        if (Find(key, out TimeSeriesData? series) is { } error)
        {
            return TsResult<List<Replies.InfoField>>.Fail(error);
        }
        return Replies.InfoBuilder.Build(series!, debug, resp3);
    }

    /// <summary>Registers a series that arrived by other means (snapshot load, RESTORE): indexes it and resolves nothing else.</summary>
    public void OnSeriesLoaded(TimeSeriesData series) => _index.Add(series.Key, series.Labels);

    /// <summary>
    /// Call before a series key is removed (DEL, UNLINK, expiry, overwrite by SET, FLUSHDB): unindexes it and detaches rules on
    /// both sides, as RedisTimeSeries does (a deleted destination drops the source's rule; a deleted source leaves its
    /// destinations as plain series).
    /// </summary>
    public void OnKeyDeleted(byte[] key)
    {
        if (_keyspace.TryGet(key, out TimeSeriesData? series) != KeyLookup.Series)
        {
            return;
        }
        _index.Remove(series!.Key);
        if (series.SourceKey is { } sourceKey && _keyspace.TryGet(sourceKey, out TimeSeriesData? source) == KeyLookup.Series)
        {
            int index = FindRule(source!, series.Key);
            if (index >= 0)
            {
                source!.RuleList.RemoveAt(index);
            }
        }
        foreach (CompactionRule rule in series.RuleList)
        {
            if (_keyspace.TryGet(rule.DestinationKey, out TimeSeriesData? destination) == KeyLookup.Series)
            {
                destination!.SourceKey = null;
            }
        }
    }

    /// <summary>Call after RENAME moved a series from <paramref name="oldKey"/> to <paramref name="newKey"/>.</summary>
    public void OnKeyRenamed(byte[] oldKey, byte[] newKey)
    {
        if (_keyspace.TryGet(newKey, out TimeSeriesData? series) != KeyLookup.Series)
        {
            return;
        }
        series!.Key = newKey;
        _index.Rename(oldKey, newKey);
        if (series.SourceKey is { } sourceKey && _keyspace.TryGet(sourceKey, out TimeSeriesData? source) == KeyLookup.Series)
        {
            int index = FindRule(source!, oldKey);
            if (index >= 0)
            {
                source!.RuleList[index].DestinationKey = newKey;
            }
        }
        foreach (CompactionRule rule in series.RuleList)
        {
            if (_keyspace.TryGet(rule.DestinationKey, out TimeSeriesData? destination) == KeyLookup.Series)
            {
                destination!.SourceKey = newKey;
            }
        }
    }

    internal static List<KeyValuePair<string, string?>> SelectLabels(IReadOnlyList<Label> labels, LabelSelection selection)
    {
        var selected = new List<KeyValuePair<string, string?>>();
        if (selection.WithLabels)
        {
            foreach (Label label in labels)
            {
                selected.Add(new KeyValuePair<string, string?>(label.Name, label.Value));
            }
        }
        else if (selection.SelectedLabels is { } names)
        {
            foreach (string name in names)
            {
                string? value = null;
                foreach (Label label in labels)
                {
                    if (label.Name == name)
                    {
                        value = label.Value;
                        break;
                    }
                }
                selected.Add(new KeyValuePair<string, string?>(name, value));
            }
        }
        return selected;
    }

    private TsResult<TimeSeriesData> CreateSeries(byte[] key, SeriesOptions options)
    {
        var series = new TimeSeriesData(key, options);
        _keyspace.Add(series);
        _index.Add(key, options.Labels);
        return series;
    }

    /// <summary>Null when the key holds a series (returned in <paramref name="series"/>), else the error reply.</summary>
    private string? Find(byte[] key, out TimeSeriesData? series) => _keyspace.TryGet(key, out series) switch
    {
        KeyLookup.Series => null,
        KeyLookup.WrongType => TsErrors.WrongType,
        _ => TsErrors.KeyMissing,
    };

    private static int FindRule(TimeSeriesData source, byte[] destinationKey)
    {
        for (int i = 0; i < source.RuleList.Count; i++)
        {
            if (source.RuleList[i].DestinationKey.AsSpan().SequenceEqual(destinationKey))
            {
                return i;
            }
        }
        return -1;
    }

    private TsResult<long> AddSample(TimeSeriesData series, long timestamp, double value, DuplicatePolicy policy)
    {
        if (timestamp < 0)
        {
            return TsResult<long>.Fail(TsErrors.NegativeTimestamp);
        }
        AddOutcome outcome = series.Upsert(timestamp, value, policy, out bool appended, out long effectiveTimestamp);
        switch (outcome)
        {
            case AddOutcome.Blocked:
                return TsResult<long>.Fail(TsErrors.DuplicateBlocked);
            case AddOutcome.TooOld:
                return TsResult<long>.Fail(TsErrors.TimestampTooOld);
            case AddOutcome.Ignored:
                return effectiveTimestamp;
            default:
                OnSampleStored(series, timestamp, value, appended, 0);
                return effectiveTimestamp;
        }
    }

    private void OnSampleStored(TimeSeriesData series, long timestamp, double value, bool appended, int depth)
    {
        Invariant.Require(depth <= MaximumRuleChainDepth, "compaction chain deeper than allowed");
        foreach (CompactionRule rule in series.RuleList)
        {
            if (_keyspace.TryGet(rule.DestinationKey, out TimeSeriesData? destination) != KeyLookup.Series)
            {
                continue;
            }
            long bucket = Buckets.Start(timestamp, rule.BucketDurationMilliseconds, rule.AlignTimestamp);
            if (!rule.HasOpenBucket)
            {
                // The open bucket is the newest one, even when the first sample the rule sees is a late one.
                rule.HasOpenBucket = true;
                rule.OpenBucketStart = Buckets.Start(series.LastTimestamp, rule.BucketDurationMilliseconds, rule.AlignTimestamp);
                rule.ActiveFromTimestamp = Math.Min(rule.ActiveFromTimestamp, rule.OpenBucketStart);
                RecomputeOpenBucket(series, rule);
                if (bucket < rule.OpenBucketStart && bucket >= rule.ActiveFromTimestamp)
                {
                    RecomputeClosedBucket(series, rule, destination!, bucket, depth);
                }
                continue;
            }
            if (rule.NeedsRecompute)
            {
                RecomputeOpenBucket(series, rule);
                if (bucket == rule.OpenBucketStart)
                {
                    continue; // the rebuild read the new sample from the series already
                }
            }
            if (bucket == rule.OpenBucketStart)
            {
                if (appended)
                {
                    rule.OpenBucket.Add(timestamp, value);
                }
                else
                {
                    RecomputeOpenBucket(series, rule);
                }
            }
            else if (bucket > rule.OpenBucketStart)
            {
                CloseOpenBucket(rule, destination!, new Sample(timestamp, value), depth);
                rule.OpenBucketStart = bucket;
                if (appended)
                {
                    rule.OpenBucket.Reset();
                    rule.OpenBucket.Add(timestamp, value);
                }
                else
                {
                    RecomputeOpenBucket(series, rule);
                }
            }
            else if (bucket >= rule.ActiveFromTimestamp)
            {
                RecomputeClosedBucket(series, rule, destination!, bucket, depth);
            }
        }
    }

    private void CloseOpenBucket(CompactionRule rule, TimeSeriesData destination, Sample next, int depth)
    {
        long start = rule.OpenBucketStart;
        if (rule.OpenBucket.HasSamples)
        {
            double value = rule.OpenBucket.Result(start, start + rule.BucketDurationMilliseconds, rule.PreviousSample, next);
            WriteCompacted(destination, CompactedTimestamp(start), value, depth);
            if (rule.OpenBucket.Count > 0)
            {
                rule.PreviousSample = rule.OpenBucket.LastSample;
            }
        }
    }

    /// <summary>
    /// A bucket is stored at its start, except that the one bucket straddling 0 under an alignment is stored at 0:
    /// timestamps are non-negative (as range replies clamp reported bucket timestamps).
    /// </summary>
    private static long CompactedTimestamp(long bucketStart) => Math.Max(0, bucketStart);

    private void WriteCompacted(TimeSeriesData destination, long timestamp, double value, int depth)
    {
        AddOutcome outcome = destination.Upsert(timestamp, value, DuplicatePolicy.Last, out bool appended, out _);
        if (outcome is AddOutcome.Added or AddOutcome.Updated)
        {
            OnSampleStored(destination, timestamp, value, appended, depth + 1);
        }
    }

    private static void RecomputeOpenBucket(TimeSeriesData source, CompactionRule rule)
    {
        rule.OpenBucket.Reset();
        long start = rule.OpenBucketStart;
        var samples = new List<Sample>();
        source.CollectRange(start, start + rule.BucketDurationMilliseconds - 1, samples);
        foreach (Sample sample in samples)
        {
            rule.OpenBucket.Add(sample.Timestamp, sample.Value);
        }
        rule.PreviousSample = source.TryGetLastBefore(start, out Sample previous) ? previous : null;
        rule.NeedsRecompute = false;
    }

    private void RecomputeClosedBucket(TimeSeriesData source, CompactionRule rule, TimeSeriesData destination, long bucket, int depth)
    {
        long end = bucket + rule.BucketDurationMilliseconds;
        var samples = new List<Sample>();
        source.CollectRange(bucket, end - 1, samples);
        if (samples.Count == 0)
        {
            DeleteRangeAndPropagate(destination, CompactedTimestamp(bucket), CompactedTimestamp(bucket), depth + 1);
            return;
        }
        var aggregator = new Aggregator(rule.Aggregation);
        foreach (Sample sample in samples)
        {
            aggregator.Add(sample.Timestamp, sample.Value);
        }
        Sample? previous = source.TryGetLastBefore(bucket, out Sample before) ? before : null;
        Sample? next = source.TryGetFirstAtOrAfter(end, out Sample after) ? after : null;
        WriteCompacted(destination, CompactedTimestamp(bucket), aggregator.Result(bucket, end, previous, next), depth);
    }

    private long DeleteRangeAndPropagate(TimeSeriesData series, long from, long to, int depth)
    {
        Invariant.Require(depth <= MaximumRuleChainDepth, "compaction chain deeper than allowed");
        long removed = series.DeleteRange(from, to);
        if (removed == 0)
        {
            return 0;
        }
        foreach (CompactionRule rule in series.RuleList)
        {
            if (!rule.HasOpenBucket || _keyspace.TryGet(rule.DestinationKey, out TimeSeriesData? destination) != KeyLookup.Series)
            {
                continue;
            }
            long duration = rule.BucketDurationMilliseconds;
            long firstBucket = Math.Max(Buckets.Start(from, duration, rule.AlignTimestamp), rule.ActiveFromTimestamp);
            long lastBucket = Buckets.Start(Math.Min(to, rule.OpenBucketStart - 1), duration, rule.AlignTimestamp);
            if (from < rule.OpenBucketStart && firstBucket <= lastBucket)
            {
                // Buckets wholly inside the deleted range are now empty; only the two edge buckets can keep samples.
                DeleteRangeAndPropagate(destination!, CompactedTimestamp(firstBucket), CompactedTimestamp(lastBucket), depth + 1);
                RecomputeClosedBucket(series, rule, destination!, firstBucket, depth);
                if (lastBucket != firstBucket)
                {
                    RecomputeClosedBucket(series, rule, destination!, lastBucket, depth);
                }
            }
            if (to >= rule.OpenBucketStart)
            {
                RecomputeOpenBucket(series, rule);
            }
        }
        return removed;
    }

    private void Backfill(TimeSeriesData source, TimeSeriesData destination, CompactionRule rule)
    {
        rule.ActiveFromTimestamp = long.MinValue;
        var samples = new List<Sample>();
        source.CollectRange(long.MinValue, long.MaxValue, samples);
        if (samples.Count == 0)
        {
            return;
        }
        long duration = rule.BucketDurationMilliseconds;
        long lastBucket = Buckets.Start(samples[^1].Timestamp, duration, rule.AlignTimestamp);
        var options = new AggregationOptions(rule.Aggregation, duration);
        // Closed buckets go to the destination (and on down any chain); the newest bucket stays open, as live ingest leaves it.
        List<Sample> buckets = RangeEvaluator.Aggregate(samples, options, rule.AlignTimestamp, long.MaxValue);
        foreach (Sample bucket in buckets)
        {
            if (bucket.Timestamp < lastBucket)
            {
                WriteCompacted(destination, bucket.Timestamp, bucket.Value, 0);
            }
        }
        rule.HasOpenBucket = true;
        rule.OpenBucketStart = lastBucket;
        RecomputeOpenBucket(source, rule);
    }

    private Sample? LastSample(TimeSeriesData series, bool latest)
    {
        if (latest && OpenBucketOf(series) is { } open)
        {
            return open;
        }
        return series.LastSample;
    }

    /// <summary>For a compaction destination, the not-yet-written newest bucket of its source rule (what LATEST reports).</summary>
    private Sample? OpenBucketOf(TimeSeriesData destination)
    {
        if (destination.SourceKey is not { } sourceKey || _keyspace.TryGet(sourceKey, out TimeSeriesData? source) != KeyLookup.Series)
        {
            return null;
        }
        int index = FindRule(source!, destination.Key);
        if (index < 0)
        {
            return null;
        }
        CompactionRule rule = source!.RuleList[index];
        if (!rule.HasOpenBucket)
        {
            return null;
        }
        if (rule.NeedsRecompute)
        {
            RecomputeOpenBucket(source, rule);
        }
        if (!rule.OpenBucket.HasSamples)
        {
            return null;
        }
        long start = rule.OpenBucketStart;
        return new Sample(CompactedTimestamp(start), rule.OpenBucket.Result(start, start + rule.BucketDurationMilliseconds, rule.PreviousSample, null));
    }

    private List<Sample> RangeOf(TimeSeriesData series, RangeOptions options, bool reverse)
    {
        var samples = new List<Sample>();
        series.CollectRange(options.FromTimestamp, options.ToTimestamp, samples);
        if (options.Latest && OpenBucketOf(series) is { } open && open.Timestamp >= options.FromTimestamp
            && open.Timestamp <= options.ToTimestamp && (samples.Count == 0 || open.Timestamp > samples[^1].Timestamp))
        {
            samples.Add(open);
        }
        return RangeEvaluator.Evaluate(samples, options, reverse);
    }
}
