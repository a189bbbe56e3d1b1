using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace Cairn.Server.Bench;

/// <summary>
/// Parse + dispatch + reply for the collection commands redis-benchmark measures, as one connection's batch loop runs them:
/// ZADD as `redis-benchmark -t zadd -r 100000` (random score, random member of 100k, into one key already holding 100k
/// members, so the skip list is far larger than the CPU caches), LRANGE 0 99 of a 100-element list (-t lrange_100) and
/// LPUSH/LPOP pairs on a long list; SADD and HSET as `-t sadd,hset -r 100000 -d 64` (a random member or field of 100k into
/// one key already holding all of them, so nearly every one is found, in a table far larger than the CPU caches).
/// </summary>
[MemoryDiagnoser]
public class CollectionBenchmarks
{
    private const int MemberSpace = 100_000;
    private const int Batch = 1024;

    private const int ZAddBatches = 16;

    // Cycled, each with its own random scores: repeating one batch would make every later pass set the scores the members
    // already have (ZADD's no-change path) and measure no skip-list work at all.
    private readonly ReadOnlySequence<byte>[] _zaddBatches = new ReadOnlySequence<byte>[ZAddBatches];
    private int _zaddNext;
    private readonly ReadOnlySequence<byte>[] _saddBatches = new ReadOnlySequence<byte>[ZAddBatches];
    private readonly ReadOnlySequence<byte>[] _hsetBatches = new ReadOnlySequence<byte>[ZAddBatches];
    private int _saddNext;
    private int _hsetNext;
    private ReadOnlySequence<byte> _lrangeBatch;
    private ReadOnlySequence<byte> _zrangeBatch;
    private ReadOnlySequence<byte> _pushPopBatch;
    private BatchRunner _runner = null!;

    [GlobalSetup]
    public void Setup()
    {
        _runner = new BatchRunner(1 << 22);
        var random = new Random(42);

        // Fill: every member once, with random scores (redis-benchmark's __rand_int__ scores).
        for (int i = 0; i < MemberSpace; i += 1000)
        {
            var fill = new StringBuilder();
            fill.Append($"*{2 + 2 * 1000}\r\n$4\r\nZADD\r\n$6\r\nmyzset\r\n");
            for (int j = i; j < i + 1000; j++)
            {
                AppendBulk(fill, random.Next(MemberSpace).ToString("D12", System.Globalization.CultureInfo.InvariantCulture));
                AppendBulk(fill, "element:" + j.ToString("D12", System.Globalization.CultureInfo.InvariantCulture));
            }
            Run(Sequence(fill));
        }
        // Batches 2k and 2k+1 set the same members to different scores, so every pass changes every score.
        var members = new int[Batch];
        for (int b = 0; b < ZAddBatches; b++)
        {
            if (b % 2 == 0)
            {
                for (int i = 0; i < Batch; i++)
                {
                    members[i] = random.Next(MemberSpace);
                }
            }
            var zadd = new StringBuilder();
            for (int i = 0; i < Batch; i++)
            {
                zadd.Append("*4\r\n$4\r\nZADD\r\n$6\r\nmyzset\r\n");
                AppendBulk(zadd, random.Next(MemberSpace).ToString("D12", System.Globalization.CultureInfo.InvariantCulture));
                AppendBulk(zadd, "element:" + members[i].ToString("D12", System.Globalization.CultureInfo.InvariantCulture));
            }
            _zaddBatches[b] = Sequence(zadd);
        }

        string value = new('x', 64);
        for (int i = 0; i < MemberSpace; i += 1000)
        {
            var sfill = new StringBuilder();
            var hfill = new StringBuilder();
            sfill.Append($"*{2 + 1000}\r\n$4\r\nSADD\r\n$5\r\nmyset\r\n");
            hfill.Append($"*{2 + 2 * 1000}\r\n$4\r\nHSET\r\n$6\r\nmyhash\r\n");
            for (int j = i; j < i + 1000; j++)
            {
                string member = "element:" + j.ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
                AppendBulk(sfill, member);
                AppendBulk(hfill, member);
                AppendBulk(hfill, value);
            }
            Run(Sequence(sfill));
            Run(Sequence(hfill));
        }
        for (int b = 0; b < ZAddBatches; b++)
        {
            var sadd = new StringBuilder();
            var hset = new StringBuilder();
            for (int i = 0; i < Batch; i++)
            {
                string member = "element:" + random.Next(MemberSpace).ToString("D12", System.Globalization.CultureInfo.InvariantCulture);
                sadd.Append("*3\r\n$4\r\nSADD\r\n$5\r\nmyset\r\n");
                AppendBulk(sadd, member);
                hset.Append("*4\r\n$4\r\nHSET\r\n$6\r\nmyhash\r\n");
                AppendBulk(hset, member);
                AppendBulk(hset, value);
            }
            _saddBatches[b] = Sequence(sadd);
            _hsetBatches[b] = Sequence(hset);
        }

        var push = new StringBuilder();
        for (int i = 0; i < 100; i++)
        {
            push.Append("*3\r\n$5\r\nLPUSH\r\n$6\r\nmylist\r\n$3\r\nxxx\r\n");
        }
        Run(Sequence(push));
        var lrange = new StringBuilder();
        for (int i = 0; i < Batch / 16; i++)
        {
            lrange.Append("*4\r\n$6\r\nLRANGE\r\n$6\r\nmylist\r\n$1\r\n0\r\n$2\r\n99\r\n");
        }
        _lrangeBatch = Sequence(lrange);
        var zrange = new StringBuilder();
        for (int i = 0; i < Batch / 16; i++)
        {
            zrange.Append("*4\r\n$6\r\nZRANGE\r\n$6\r\nmyzset\r\n$1\r\n0\r\n$2\r\n99\r\n");
        }
        _zrangeBatch = Sequence(zrange);

        var longList = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            longList.Append("*3\r\n$5\r\nLPUSH\r\n$8\r\nlonglist\r\n$3\r\nxxx\r\n");
        }
        Run(Sequence(longList));
        var pushPop = new StringBuilder();
        for (int i = 0; i < Batch / 2; i++)
        {
            pushPop.Append("*3\r\n$5\r\nLPUSH\r\n$8\r\nlonglist\r\n$3\r\nxxx\r\n");
            pushPop.Append("*2\r\n$4\r\nLPOP\r\n$8\r\nlonglist\r\n");
        }
        _pushPopBatch = Sequence(pushPop);
    }

    /// <summary>1024 ZADDs of a random member out of 100k with a random score (nearly all move the member).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int ZAddRandom()
    {
        int batch = _zaddNext;
        _zaddNext = (batch + 1) % ZAddBatches;
        return Run(_zaddBatches[batch]);
    }

    /// <summary>1024 SADDs of a random member out of 100k, all present.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int SAddRandom()
    {
        int batch = _saddNext;
        _saddNext = (batch + 1) % ZAddBatches;
        return Run(_saddBatches[batch]);
    }

    /// <summary>1024 HSETs of a random field out of 100k, all present, to a 64-byte value.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int HSetRandom()
    {
        int batch = _hsetNext;
        _hsetNext = (batch + 1) % ZAddBatches;
        return Run(_hsetBatches[batch]);
    }

    /// <summary>64 LRANGE 0 99 of a 100-element list (per-operation time = result / 64).</summary>
    [Benchmark(OperationsPerInvoke = Batch / 16)]
    public int LRange100() => Run(_lrangeBatch);

    /// <summary>64 ZRANGE 0 99 of the 100k-member sorted set (per-operation time = result / 64).</summary>
    [Benchmark(OperationsPerInvoke = Batch / 16)]
    public int ZRange100() => Run(_zrangeBatch);

    /// <summary>512 LPUSH + LPOP pairs on a 10k-element list.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int PushPop() => Run(_pushPopBatch);

    private static void AppendBulk(StringBuilder builder, string value) =>
        builder.Append($"${value.Length}\r\n{value}\r\n");

    private static ReadOnlySequence<byte> Sequence(StringBuilder builder) =>
        new(Encoding.ASCII.GetBytes(builder.ToString()));

    private int Run(ReadOnlySequence<byte> batch) => _runner.Run(batch);
}
