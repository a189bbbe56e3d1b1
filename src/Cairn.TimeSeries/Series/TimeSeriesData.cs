using System.Buffers;
using Cairn.Primitives;
using Cairn.TimeSeries.Codec;

namespace Cairn.TimeSeries.Series;

/// <summary>
/// One series: samples in chunks ordered by time, plus its configuration, labels and compaction rules.
/// Invariants: chunks are non-empty, ordered, and do not overlap (each chunk's first timestamp is greater than the previous
/// chunk's last); <see cref="TotalSamples"/> is the sum of chunk counts; only the last chunk takes appends.
/// Retention trims whole chunks whose newest sample fell out of the window, so a few older samples may stay stored; queries
/// never return them. Not thread-safe: the keyspace serialises access to a key.
/// </summary>
public sealed class TimeSeriesData
{
    private readonly List<Chunk> _chunks = [];
    private readonly List<CompactionRule> _rules = [];

    public TimeSeriesData(byte[] key, SeriesOptions options)
    {
        Key = key;
        RetentionMilliseconds = options.RetentionMilliseconds;
        Encoding = options.Encoding;
        ChunkSizeBytes = options.ChunkSizeBytes;
        DuplicatePolicy = options.DuplicatePolicy;
        IgnoreMaxTimeDifferenceMilliseconds = options.IgnoreMaxTimeDifferenceMilliseconds;
        IgnoreMaxValueDifference = options.IgnoreMaxValueDifference;
        Labels = options.Labels;
    }

    public byte[] Key { get; internal set; }

    public long RetentionMilliseconds { get; internal set; }

    public ChunkEncoding Encoding { get; }

    public int ChunkSizeBytes { get; internal set; }

    public DuplicatePolicy? DuplicatePolicy { get; internal set; }

    public long IgnoreMaxTimeDifferenceMilliseconds { get; internal set; }

    public double IgnoreMaxValueDifference { get; internal set; }

    public IReadOnlyList<Label> Labels { get; internal set; }

    /// <summary>The series this one is a compaction destination of, if any.</summary>
    public byte[]? SourceKey { get; internal set; }

    public IReadOnlyList<CompactionRule> Rules => _rules;

    public long TotalSamples { get; private set; }

    public int ChunkCount => _chunks.Count;

    public long FirstTimestamp => _chunks.Count == 0 ? 0 : _chunks[0].FirstTimestamp;

    public long LastTimestamp => _chunks.Count == 0 ? 0 : _chunks[^1].LastTimestamp;

    public Sample? LastSample => _chunks.Count == 0 ? null : new Sample(_chunks[^1].LastTimestamp, _chunks[^1].LastValue);

    /// <summary>An estimate of the memory held: encoded chunk bytes plus fixed per-chunk, per-label and per-series overheads.</summary>
    public long MemoryUsageBytes
    {
        get
        {
            long total = 128 + Key.Length;
            foreach (Chunk chunk in _chunks)
            {
                total += chunk.SizeBytes + 48;
            }
            foreach (Label label in Labels)
            {
                total += 32 + (2L * (label.Name.Length + label.Value.Length));
            }
            return total + (_rules.Count * 96L);
        }
    }

    /// <summary>Timestamps below this are outside the retention window (long.MinValue when retention is 0 = forever).</summary>
    public long RetentionFloor => RetentionMilliseconds > 0 && _chunks.Count > 0 ? LastTimestamp - RetentionMilliseconds : long.MinValue;

    internal IReadOnlyList<Chunk> Chunks => _chunks;

    internal List<CompactionRule> RuleList => _rules;

    /// <summary>
    /// Adds or updates one sample. <paramref name="appended"/> is true when the sample went to the end of the series (the
    /// cheap path that compaction rules can fold in incrementally). <paramref name="effectiveTimestamp"/> is what TS.ADD
    /// replies: the timestamp, or under IGNORE the series' last timestamp.
    /// </summary>
    internal AddOutcome Upsert(long timestamp, double value, DuplicatePolicy policy, out bool appended, out long effectiveTimestamp)
    {
        appended = false;
        effectiveTimestamp = timestamp;
        if (_chunks.Count == 0)
        {
            AppendToNewChunk(timestamp, value);
            appended = true;
            return AddOutcome.Added;
        }
        Chunk last = _chunks[^1];
        if (timestamp >= last.LastTimestamp && policy == Series.DuplicatePolicy.Last && IsIgnorable(timestamp, value, last))
        {
            effectiveTimestamp = last.LastTimestamp;
            return AddOutcome.Ignored;
        }
        if (timestamp > last.LastTimestamp)
        {
            if (last.IsFull || last.CapacityBytes != ChunkSizeBytes && last.SizeBytes >= ChunkSizeBytes)
            {
                AppendToNewChunk(timestamp, value);
            }
            else
            {
                last.Append(timestamp, value);
                TotalSamples++;
            }
            appended = true;
            TrimToRetention();
            return AddOutcome.Added;
        }
        if (timestamp < RetentionFloor)
        {
            return AddOutcome.TooOld;
        }
        return UpsertInside(timestamp, value, policy);
    }

    /// <summary>Deletes samples in [from, to]; returns how many were removed.</summary>
    internal long DeleteRange(long from, long to)
    {
        long removed = 0;
        int index = FirstChunkEndingAtOrAfter(from);
        while (index < _chunks.Count && _chunks[index].FirstTimestamp <= to)
        {
            Chunk chunk = _chunks[index];
            if (chunk.FirstTimestamp >= from && chunk.LastTimestamp <= to)
            {
                removed += chunk.Count;
                TotalSamples -= chunk.Count;
                _chunks.RemoveAt(index);
                continue;
            }
            Sample[] samples = chunk.ToArray();
            var kept = new List<Sample>(samples.Length);
            foreach (Sample sample in samples)
            {
                if (sample.Timestamp < from || sample.Timestamp > to)
                {
                    kept.Add(sample);
                }
            }
            int removedHere = samples.Length - kept.Count;
            removed += removedHere;
            TotalSamples -= removedHere;
            int replaced = ReplaceChunk(index, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(kept));
            index += replaced;
        }
        return removed;
    }

    /// <summary>Appends the samples in [from, to] (after clamping to retention) in time order to <paramref name="output"/>.</summary>
    internal void CollectRange(long from, long to, List<Sample> output)
    {
        from = Math.Max(from, RetentionFloor);
        if (from > to)
        {
            return;
        }
        Sample[] buffer = ArrayPool<Sample>.Shared.Rent(64);
        try
        {
            for (int index = FirstChunkEndingAtOrAfter(from); index < _chunks.Count && _chunks[index].FirstTimestamp <= to; index++)
            {
                Chunk chunk = _chunks[index];
                if (buffer.Length < chunk.Count)
                {
                    ArrayPool<Sample>.Shared.Return(buffer);
                    buffer = ArrayPool<Sample>.Shared.Rent(chunk.Count);
                }
                chunk.Decode(buffer);
                ReadOnlySpan<Sample> samples = buffer.AsSpan(0, chunk.Count);
                bool whole = chunk.FirstTimestamp >= from && chunk.LastTimestamp <= to;
                if (whole)
                {
                    output.AddRange(samples);
                    continue;
                }
                foreach (Sample sample in samples)
                {
                    if (sample.Timestamp >= from && sample.Timestamp <= to)
                    {
                        output.Add(sample);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<Sample>.Shared.Return(buffer);
        }
    }

    /// <summary>The newest sample with a timestamp below <paramref name="timestamp"/>, within retention.</summary>
    internal bool TryGetLastBefore(long timestamp, out Sample sample)
    {
        sample = default;
        int index = FirstChunkEndingAtOrAfter(timestamp);
        // The sample is either in chunk `index` (if it starts before timestamp) or is the last of the previous chunk.
        if (index < _chunks.Count && _chunks[index].FirstTimestamp < timestamp)
        {
            Sample[] samples = _chunks[index].ToArray();
            int position = LowerBound(samples, timestamp) - 1;
            sample = samples[position];
        }
        else if (index > 0)
        {
            Chunk previous = _chunks[index - 1];
            sample = new Sample(previous.LastTimestamp, previous.LastValue);
        }
        else
        {
            return false;
        }
        return sample.Timestamp >= RetentionFloor;
    }

    /// <summary>The oldest sample with a timestamp at or above <paramref name="timestamp"/>.</summary>
    internal bool TryGetFirstAtOrAfter(long timestamp, out Sample sample)
    {
        sample = default;
        int index = FirstChunkEndingAtOrAfter(timestamp);
        if (index >= _chunks.Count)
        {
            return false;
        }
        Sample[] samples = _chunks[index].ToArray();
        sample = samples[LowerBound(samples, timestamp)];
        return true;
    }

    /// <summary>Adds a chunk read from a snapshot. REQUIRES chunks added in order, each after the previous.</summary>
    internal void AddLoadedChunk(Chunk chunk)
    {
        Invariant.Require(chunk.Count > 0, "loaded chunks are non-empty");
        Invariant.Require(_chunks.Count == 0 || chunk.FirstTimestamp > _chunks[^1].LastTimestamp, "loaded chunks must be ordered");
        _chunks.Add(chunk);
        TotalSamples += chunk.Count;
    }

    private bool IsIgnorable(long timestamp, double value, Chunk last)
    {
        if (IgnoreMaxTimeDifferenceMilliseconds == 0 && IgnoreMaxValueDifference == 0)
        {
            return false;
        }
        return timestamp - last.LastTimestamp <= IgnoreMaxTimeDifferenceMilliseconds
            && Math.Abs(value - last.LastValue) <= IgnoreMaxValueDifference;
    }

    private void AppendToNewChunk(long timestamp, double value)
    {
        Chunk chunk = Chunk.Create(Encoding, ChunkSizeBytes);
        chunk.Append(timestamp, value);
        _chunks.Add(chunk);
        TotalSamples++;
    }

    private AddOutcome UpsertInside(long timestamp, double value, DuplicatePolicy policy)
    {
        int index = LastChunkStartingAtOrBefore(timestamp);
        Chunk chunk = _chunks[index];
        int count = chunk.Count;
        Sample[] samples = ArrayPool<Sample>.Shared.Rent(count + 1);
        try
        {
            int position;
            EncoderState state = default;
            var compressed = chunk as CompressedChunk;
            if (compressed is not null)
            {
                position = compressed.DecodeForInsert(timestamp, samples, out state);
            }
            else
            {
                chunk.Decode(samples);
                position = LowerBound(samples.AsSpan(0, count), timestamp);
            }
            AddOutcome outcome;
            if (position < count && samples[position].Timestamp == timestamp)
            {
                double existing = samples[position].Value;
                double resolved;
                switch (policy)
                {
                    case Series.DuplicatePolicy.Block:
                        return AddOutcome.Blocked;
                    case Series.DuplicatePolicy.First:
                        return AddOutcome.Ignored;
                    case Series.DuplicatePolicy.Min:
                        resolved = value < existing ? value : existing;
                        break;
                    case Series.DuplicatePolicy.Max:
                        resolved = value > existing ? value : existing;
                        break;
                    case Series.DuplicatePolicy.Sum:
                        resolved = existing + value;
                        break;
                    default:
                        resolved = value;
                        break;
                }
                samples[position] = new Sample(timestamp, resolved);
                outcome = AddOutcome.Updated;
            }
            else
            {
                Array.Copy(samples, position, samples, position + 1, count - position);
                samples[position] = new Sample(timestamp, value);
                count++;
                TotalSamples++;
                outcome = AddOutcome.Added;
            }
            ReadOnlySpan<Sample> all = samples.AsSpan(0, count);
            if (compressed is not null)
            {
                // Late samples mostly land near the end of a chunk: keep the bits before the insert point, re-encode the rest.
                compressed.RewriteFrom(position, state, all[position..]);
                if (compressed.SizeBytes > ChunkSizeBytes && count >= 2)
                {
                    ReplaceChunk(index, all);
                }
            }
            else
            {
                ReplaceChunk(index, all);
            }
            return outcome;
        }
        finally
        {
            ArrayPool<Sample>.Shared.Return(samples);
        }
    }

    /// <summary>Replaces chunk <paramref name="index"/> by chunks holding <paramref name="samples"/>; returns how many.</summary>
    private int ReplaceChunk(int index, ReadOnlySpan<Sample> samples)
    {
        _chunks.RemoveAt(index);
        if (samples.IsEmpty)
        {
            return 0;
        }
        var built = new List<Chunk>(2);
        Build(samples, built);
        _chunks.InsertRange(index, built);
        return built.Count;
    }

    private void Build(ReadOnlySpan<Sample> samples, List<Chunk> output)
    {
        Chunk chunk = Chunk.Create(Encoding, ChunkSizeBytes);
        foreach (Sample sample in samples)
        {
            chunk.Append(sample.Timestamp, sample.Value);
        }
        // Split in halves (not "full + remainder") so that repeated late inserts into one region do not leave a trail of tiny chunks.
        if (chunk.SizeBytes > ChunkSizeBytes && samples.Length >= 2)
        {
            int half = samples.Length / 2;
            Build(samples[..half], output);
            Build(samples[half..], output);
            return;
        }
        output.Add(chunk);
    }

    private void TrimToRetention()
    {
        long floor = RetentionFloor;
        int remove = 0;
        while (remove < _chunks.Count - 1 && _chunks[remove].LastTimestamp < floor)
        {
            TotalSamples -= _chunks[remove].Count;
            remove++;
        }
        if (remove > 0)
        {
            _chunks.RemoveRange(0, remove);
        }
    }

    /// <summary>Index of the first chunk whose last timestamp is &gt;= timestamp (Count when none).</summary>
    private int FirstChunkEndingAtOrAfter(long timestamp)
    {
        int low = 0;
        int high = _chunks.Count;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (_chunks[middle].LastTimestamp < timestamp)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    /// <summary>Index of the last chunk whose first timestamp is &lt;= timestamp, or 0.</summary>
    private int LastChunkStartingAtOrBefore(long timestamp)
    {
        int low = 0;
        int high = _chunks.Count;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (_chunks[middle].FirstTimestamp <= timestamp)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return Math.Max(0, low - 1);
    }

    private static int LowerBound(ReadOnlySpan<Sample> samples, long timestamp)
    {
        int low = 0;
        int high = samples.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (samples[middle].Timestamp < timestamp)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }
}
