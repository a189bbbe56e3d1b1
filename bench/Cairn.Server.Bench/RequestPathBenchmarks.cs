using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace Cairn.Server.Bench;

/// <summary>
/// Parse + dispatch + reply for GET and SET, as one connection's batch loop runs them, with allocations measured:
/// the hot path should allocate nothing for GET and only the stored value for SET of a new value.
/// </summary>
[MemoryDiagnoser]
public class RequestPathBenchmarks
{
    private ReadOnlySequence<byte> _getBatch;
    private ReadOnlySequence<byte> _setBatch;
    private ReadOnlySequence<byte> _getRandomBatch;
    private ReadOnlySequence<byte> _setRandomBatch;
    private BatchRunner _runner = null!;

    /// <summary>Set before <see cref="Setup"/>: the node logs writes to an AOF in this directory (appendfsync everysec).</summary>
    public string? AofDirectory { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _runner = new BatchRunner(1 << 20, AofDirectory);
        var get = new StringBuilder();
        var set = new StringBuilder();
        string value = new('v', 64);
        for (int i = 0; i < 16; i++)
        {
            string key = $"key:{i:D12}";
            get.Append($"*2\r\n$3\r\nGET\r\n${key.Length}\r\n{key}\r\n");
            set.Append($"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n${value.Length}\r\n{value}\r\n");
        }
        _getBatch = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(get.ToString()));
        _setBatch = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(set.ToString()));
        Run(_setBatch);

        // As redis-benchmark -r 100000: keys spread over a table far larger than the CPU caches' hot set.
        var random = new Random(42);
        var getRandom = new StringBuilder();
        var setRandom = new StringBuilder();
        var load = new StringBuilder();
        for (int i = 0; i < RandomKeySpace; i++)
        {
            string key = $"key:{i:D12}";
            load.Append($"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n${value.Length}\r\n{value}\r\n");
        }
        Run(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(load.ToString())));
        for (int i = 0; i < RandomBatch; i++)
        {
            string key = $"key:{random.Next(RandomKeySpace):D12}";
            getRandom.Append($"*2\r\n$3\r\nGET\r\n${key.Length}\r\n{key}\r\n");
            setRandom.Append($"*3\r\n$3\r\nSET\r\n${key.Length}\r\n{key}\r\n${value.Length}\r\n{value}\r\n");
        }
        _getRandomBatch = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(getRandom.ToString()));
        _setRandomBatch = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(setRandom.ToString()));
    }

    private const int RandomKeySpace = 100_000;
    private const int RandomBatch = 1024;

    /// <summary>1024 GETs of random keys out of 100k (per-operation time = result / 1024).</summary>
    [Benchmark(OperationsPerInvoke = RandomBatch)]
    public int GetRandom() => Run(_getRandomBatch);

    /// <summary>1024 SETs of random existing keys out of 100k.</summary>
    [Benchmark(OperationsPerInvoke = RandomBatch)]
    public int SetRandom() => Run(_setRandomBatch);

    /// <summary>16 pipelined GETs of 64-byte values.</summary>
    [Benchmark]
    public int Get16() => Run(_getBatch);

    /// <summary>16 pipelined SETs overwriting existing keys with 64-byte values.</summary>
    [Benchmark]
    public int Set16() => Run(_setBatch);

    private int Run(ReadOnlySequence<byte> batch) => _runner.Run(batch);
}
