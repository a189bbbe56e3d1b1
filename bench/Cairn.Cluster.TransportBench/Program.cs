using System.Diagnostics;
using System.Globalization;
using Cairn.Primitives;
using Cairn.Replication.Protocol;
using Cairn.Replication.Versioning;

namespace Cairn.Cluster.TransportBench;

/// <summary>
/// Peer transport measurement (issue 7: choose gRPC or framed TCP by measurement). Sends the same PeerMessageCodec payloads
/// (Replicate messages: 40-character node ids, a key, a version, a value of the given size) over loopback through our
/// framed TCP transport and through a gRPC bidirectional stream, and prints, per message size and batch depth (messages
/// per write): messages/s and MB/s with up to 8 batches in flight (the receiver acknowledges each batch), and the round
/// trip of one batch (send, receiver splits and acknowledges) p50/p99.
///   dotnet run -c Release --project bench/Cairn.Cluster.TransportBench [-- seconds-per-cell=2 [tcp|grpc|both]]
/// </summary>
internal static class Program
{
    private const int WindowBatches = 8;

    private static async Task Main(string[] args)
    {
        double seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 2;
        string which = args.Length > 1 ? args[1] : "both";
        int[] sizes = [100, 1024, 16 * 1024];
        int[] depths = [1, 16, 128];
        Console.WriteLine("transport,value_bytes,message_bytes,depth,messages_per_s,MB_per_s,rtt_p50_us,rtt_p99_us");
        if (which is "tcp" or "both")
        {
            await RunAllAsync(() => new TcpBenchLink(), sizes, depths, seconds);
        }
        if (which is "grpc" or "both")
        {
            await RunAllAsync(() => new GrpcBenchLink(25899), sizes, depths, seconds);
        }
    }

    private static async Task RunAllAsync(Func<IBenchLink> create, int[] sizes, int[] depths, double seconds)
    {
        await using IBenchLink link = create();
        await link.StartAsync();
        // Warm-up: JIT and connection buffers.
        await ThroughputAsync(link, Message(100), 16, 1);
        foreach (int size in sizes)
        {
            byte[] message = Message(size);
            foreach (int depth in depths)
            {
                (double perSecond, double megabytes) = await ThroughputAsync(link, message, depth, seconds);
                (double p50, double p99) = await RoundTripAsync(link, message, depth, seconds / 2);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{link.Name},{size},{message.Length},{depth},{perSecond:F0},{megabytes:F1},{p50:F0},{p99:F0}"));
            }
        }
    }

    private static byte[] Message(int valueBytes)
    {
        string from = new('a', 40);
        string to = new('b', 40);
        var value = new byte[valueBytes];
        new Random(1).NextBytes(value);
        return PeerMessageCodec.Encode(new PeerMessage
        {
            Type = PeerMessageType.Replicate,
            From = from,
            To = to,
            RequestId = 123_456,
            Partition = 17,
            Keys = ["key:000123456"u8.ToArray()],
            Versions = [new ValueVersion(HybridTimestamp.Create(1_800_000_000_000, 3), VectorClock.FromEntries([(from, 42)]))],
            Payloads = [value],
        });
    }

    private static async Task<(double PerSecond, double Megabytes)> ThroughputAsync(IBenchLink link, byte[] message, int depth, double seconds)
    {
        var batch = new List<byte[]>(depth);
        for (int i = 0; i < depth; i++)
        {
            batch.Add(message);
        }
        long start = link.Acks.Acknowledged;
        long sent = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            await link.Acks.WaitForAsync(start + sent - (long)depth * (WindowBatches - 1));
            await link.SendAsync(batch);
            sent += depth;
        }
        await link.Acks.WaitForAsync(start + sent);
        double elapsed = clock.Elapsed.TotalSeconds;
        return (sent / elapsed, sent * (double)message.Length / elapsed / 1_000_000);
    }

    private static async Task<(double P50, double P99)> RoundTripAsync(IBenchLink link, byte[] message, int depth, double seconds)
    {
        var batch = new List<byte[]>(depth);
        for (int i = 0; i < depth; i++)
        {
            batch.Add(message);
        }
        var samples = new List<double>();
        var clock = Stopwatch.StartNew();
        long target = link.Acks.Acknowledged;
        while (clock.Elapsed.TotalSeconds < seconds || samples.Count < 100)
        {
            long started = Stopwatch.GetTimestamp();
            target += depth;
            await link.SendAsync(batch);
            await link.Acks.WaitForAsync(target);
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }
        samples.Sort();
        return (samples[samples.Count / 2], samples[(int)(samples.Count * 0.99)]);
    }
}
