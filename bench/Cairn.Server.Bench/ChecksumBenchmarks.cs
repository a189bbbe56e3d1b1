using System.Numerics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Cairn.Primitives;

namespace Cairn.Server.Bench;

/// <summary>
/// CRC-32C of an AOF record of one SET (107 bytes), a frame run of 16 (1712), and a snapshot chunk (64 KiB): the
/// interleaved <see cref="Crc32C.Append"/> against one chain of the instruction (<see cref="Serial"/>, what it replaced).
/// `dotnet run -c Release --project bench/Cairn.Server.Bench -- --filter '*Checksum*'`.
/// </summary>
[MemoryDiagnoser]
public class ChecksumBenchmarks
{
    private byte[] _data = [];

    [Params(107, 1712, 65536)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Length];
        new Random(1).NextBytes(_data);
    }

    [Benchmark(Baseline = true)]
    public uint Serial()
    {
        uint c = uint.MaxValue;
        ReadOnlySpan<byte> data = _data;
        var longs = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong word in longs)
        {
            c = BitOperations.Crc32C(c, word);
        }
        foreach (byte b in data[(longs.Length * 8)..])
        {
            c = BitOperations.Crc32C(c, b);
        }
        return ~c;
    }

    [Benchmark]
    public uint Interleaved() => Crc32C.Compute(_data);
}
