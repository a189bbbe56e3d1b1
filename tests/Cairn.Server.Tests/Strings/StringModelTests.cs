using Cairn.Server.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Cairn.Server.Tests.Strings;

/// <summary>
/// Random SETRANGE / GETRANGE / APPEND / SETBIT / GETBIT / BITCOUNT / BITPOS / STRLEN / GETDEL sequences against a plain
/// byte-list model that computes every reply the naive way (bit by bit). A failure prints its seed; rerun with it.
/// </summary>
public sealed class StringModelTests : IClassFixture<StringsFixture>
{
    private const int Operations = 1500;

    private readonly TestServer _server;
    private readonly ITestOutputHelper _output;

    public StringModelTests(StringsFixture fixture, ITestOutputHelper output)
    {
        _server = fixture.Server;
        _output = output;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(20261129)]
    public void RandomOperationsAgreeWithAByteArrayModel(int seed)
    {
        _output.WriteLine($"seed {seed}");
        IDatabase db = _server.Database();
        var random = new Random(seed);
        string[] keys = [$"model:{seed}:a", $"model:{seed}:b", $"model:{seed}:c"];
        var model = new Dictionary<string, List<byte>>();
        for (int step = 0; step < Operations; step++)
        {
            string key = keys[random.Next(keys.Length)];
            model.TryGetValue(key, out List<byte>? value);
            string where = $"seed {seed} step {step} key {key}";
            switch (random.Next(10))
            {
                case 0:
                {
                    int offset = random.Next(0, 48);
                    byte[] patch = RandomBytes(random, random.Next(0, 6));
                    long reply = (long)db.Execute("SETRANGE", key, offset, patch);
                    long expected = value?.Count ?? 0;
                    if (patch.Length > 0)
                    {
                        value ??= model[key] = [];
                        Grow(value, offset + patch.Length);
                        for (int i = 0; i < patch.Length; i++)
                        {
                            value[offset + i] = patch[i];
                        }
                        expected = value.Count;
                    }
                    Assert.True(expected == reply, $"{where}: SETRANGE replied {reply}, model {expected}");
                    break;
                }
                case 1:
                {
                    long start = random.Next(-60, 60);
                    long end = random.Next(-60, 60);
                    byte[] reply = (byte[])db.Execute("GETRANGE", key, start, end)!;
                    Assert.True(ModelGetRange(value, start, end).AsSpan().SequenceEqual(reply), $"{where}: GETRANGE {start} {end}");
                    break;
                }
                case 2:
                {
                    byte[] suffix = RandomBytes(random, random.Next(0, 5));
                    long reply = (long)db.Execute("APPEND", key, suffix);
                    value ??= model[key] = [];
                    value.AddRange(suffix);
                    Assert.True(value.Count == reply, $"{where}: APPEND");
                    break;
                }
                case 3:
                {
                    int offset = random.Next(0, 400);
                    int bit = random.Next(2);
                    long reply = (long)db.Execute("SETBIT", key, offset, bit);
                    value ??= model[key] = [];
                    Grow(value, (offset >> 3) + 1);
                    int old = GetBit(value, offset);
                    SetBit(value, offset, bit);
                    Assert.True(old == reply, $"{where}: SETBIT {offset} {bit}");
                    break;
                }
                case 4:
                {
                    int offset = random.Next(0, 450);
                    long reply = (long)db.Execute("GETBIT", key, offset);
                    Assert.True((value is null ? 0 : GetBit(value, offset)) == reply, $"{where}: GETBIT {offset}");
                    break;
                }
                case 5:
                case 6:
                {
                    bool ranged = random.Next(4) != 0;
                    bool bitUnits = ranged && random.Next(2) == 0;
                    long start = random.Next(-70, 70);
                    long end = random.Next(-70, 70);
                    RedisResult result = !ranged ? db.Execute("BITCOUNT", key)
                        : bitUnits ? db.Execute("BITCOUNT", key, start, end, "BIT")
                        : db.Execute("BITCOUNT", key, start, end, "BYTE");
                    long expected = ModelBitCount(value, ranged, start, end, bitUnits);
                    Assert.True(expected == (long)result, $"{where}: BITCOUNT ranged={ranged} {start} {end} bit={bitUnits}: {(long)result} vs {expected}");
                    break;
                }
                case 7:
                {
                    int bit = random.Next(2);
                    int shape = random.Next(4);
                    long start = random.Next(-70, 70);
                    long end = random.Next(-70, 70);
                    RedisResult result = shape switch
                    {
                        0 => db.Execute("BITPOS", key, bit),
                        1 => db.Execute("BITPOS", key, bit, start),
                        2 => db.Execute("BITPOS", key, bit, start, end, "BYTE"),
                        _ => db.Execute("BITPOS", key, bit, start, end, "BIT"),
                    };
                    long expected = ModelBitPos(value, bit, shape, start, end);
                    Assert.True(expected == (long)result, $"{where}: BITPOS {bit} shape {shape} {start} {end}: {(long)result} vs {expected}");
                    break;
                }
                case 8:
                {
                    Assert.True((value?.Count ?? 0) == (long)db.Execute("STRLEN", key), $"{where}: STRLEN");
                    byte[]? stored = (byte[]?)db.StringGet(key);
                    Assert.True(value is null ? stored is null : stored is not null && value.ToArray().AsSpan().SequenceEqual(stored), $"{where}: GET");
                    break;
                }
                default:
                {
                    if (random.Next(4) == 0)
                    {
                        RedisResult deleted = db.Execute("GETDEL", key);
                        Assert.True(value is null ? deleted.IsNull : ((byte[])deleted!).AsSpan().SequenceEqual(value.ToArray()), $"{where}: GETDEL");
                        model.Remove(key);
                    }
                    break;
                }
            }
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static void Grow(List<byte> value, int length)
    {
        while (value.Count < length)
        {
            value.Add(0);
        }
    }

    private static int GetBit(List<byte> value, long offset) =>
        offset >> 3 < value.Count ? (value[(int)(offset >> 3)] >> (7 - (int)(offset & 7))) & 1 : 0;

    private static void SetBit(List<byte> value, int offset, int bit)
    {
        int mask = 1 << (7 - (offset & 7));
        value[offset >> 3] = (byte)(bit == 1 ? value[offset >> 3] | mask : value[offset >> 3] & ~mask);
    }

    /// <summary>Negative indexes count from the end; both clamp into the string; an inverted negative pair is empty.</summary>
    private static (long Start, long End) Clamp(long start, long end, long total)
    {
        if (start < 0)
        {
            start = Math.Max(0, total + start);
        }
        if (end < 0)
        {
            end = Math.Max(0, total + end);
        }
        return (start, Math.Min(end, total - 1));
    }

    private static byte[] ModelGetRange(List<byte>? value, long start, long end)
    {
        if (value is null || (start < 0 && end < 0 && start > end))
        {
            return [];
        }
        (long s, long e) = Clamp(start, end, value.Count);
        var result = new List<byte>();
        for (long i = s; i <= e; i++)
        {
            result.Add(value[(int)i]);
        }
        return [.. result];
    }

    private static long ModelBitCount(List<byte>? value, bool ranged, long start, long end, bool bitUnits)
    {
        if (value is null || (ranged && start < 0 && end < 0 && start > end))
        {
            return 0;
        }
        long firstBit = 0;
        long lastBit = (value.Count * 8L) - 1;
        if (ranged)
        {
            (long s, long e) = Clamp(start, end, bitUnits ? value.Count * 8L : value.Count);
            (firstBit, lastBit) = bitUnits ? (s, e) : (s * 8, (e * 8) + 7);
        }
        long count = 0;
        for (long i = firstBit; i <= lastBit; i++)
        {
            count += GetBit(value, i);
        }
        return count;
    }

    /// <summary>
    /// shape 0: whole string; 1: from a start byte; 2: start..end bytes; 3: start..end bits. Looking for a 0 with no end
    /// given finds the first bit past the string when all are ones; with an end given the range is all there is.
    /// </summary>
    private static long ModelBitPos(List<byte>? value, int bit, int shape, long start, long end)
    {
        if (value is null)
        {
            return bit == 1 ? -1 : 0;
        }
        bool bitUnits = shape == 3;
        bool endGiven = shape >= 2;
        long firstBit = 0;
        long lastBit = (value.Count * 8L) - 1;
        if (shape >= 1)
        {
            long total = bitUnits ? value.Count * 8L : value.Count;
            (long s, long e) = Clamp(start, endGiven ? end : total - 1, total);
            if (s > e)
            {
                return -1;
            }
            (firstBit, lastBit) = bitUnits ? (s, e) : (s * 8, (e * 8) + 7);
        }
        if (firstBit > lastBit)
        {
            return -1;
        }
        for (long i = firstBit; i <= lastBit; i++)
        {
            if (GetBit(value, i) == bit)
            {
                return i;
            }
        }
        return bit == 1 || endGiven ? -1 : lastBit + 1;
    }
}
