using BenchmarkDotNet.Attributes;
using Cairn.Primitives;

namespace Cairn.Server.Bench;

/// <summary>
/// CRC-32C of a frame run of 16 SETs (1712 bytes) and of a snapshot chunk (64 KiB): the
/// interleaved <see cref="Crc32C.Append"/> against one chain of the instruction (<see cref="Serial"/>, what it replaced).
/// `dotnet run -c Release --project bench/Cairn.Server.Bench -- --filter '*Checksum*'`.
/// </summary>
[MemoryDiagnoser]
public class ChecksumBenchmarks
{
    private byte[] _data = [];

    [Params(1712, 65536)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Length];
        new Random(1).NextBytes(_data);
    }

    /// <summary>One chain: the same function over pieces too short for the lanes (chained appends give the same CRC).</summary>
    [Benchmark(Baseline = true)]
    public uint Serial()
    {
        uint c = 0;
        for (int at = 0; at < _data.Length; at += Crc32C.InterleavedBytes - 8)
        {
            c = Crc32C.Append(c, _data.AsSpan(at, Math.Min(Crc32C.InterleavedBytes - 8, _data.Length - at)));
        }
        return c;
    }

    [Benchmark]
    public uint Interleaved() => Crc32C.Compute(_data);
}
