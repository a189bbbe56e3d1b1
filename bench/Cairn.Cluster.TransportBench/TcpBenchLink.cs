using System.Buffers.Binary;
using Cairn.Cluster.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Cluster.TransportBench;

/// <summary>The production transport: two <see cref="TcpPeerTransport"/>s (handshake, framing, batching) on loopback.</summary>
internal sealed class TcpBenchLink : IBenchLink
{
    private TcpPeerTransport? _sender;
    private TcpPeerTransport? _receiver;
    private string _receiverAddress = "";
    private string _senderAddress = "";

    public string Name => "framed TCP";

    public AckCounter Acks { get; } = new();

    public async Task StartAsync()
    {
        byte[] secret = "bench"u8.ToArray();
        _sender = new TcpPeerTransport("sender", secret, "127.0.0.1", 0, NullLogger.Instance, (_, acks) =>
        {
            foreach (byte[] ack in acks)
            {
                Acks.Add(BinaryPrimitives.ReadInt32LittleEndian(ack));
            }
        });
        _senderAddress = $"127.0.0.1:{_sender.Port}";
        _receiver = new TcpPeerTransport("receiver", secret, "127.0.0.1", 0, NullLogger.Instance, (_, messages) =>
        {
            var ack = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(ack, messages.Count);
            _receiver!.Send(_senderAddress, ack);
        });
        _receiverAddress = $"127.0.0.1:{_receiver.Port}";
        // Warm both links up (connect + handshake) before measuring.
        await SendAsync([[0]]);
        await Acks.WaitForAsync(1);
    }

    public ValueTask SendAsync(List<byte[]> batch)
    {
        foreach (byte[] message in batch)
        {
            _sender!.Queue(_receiverAddress, message);
        }
        _sender!.Flush();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_sender is not null)
        {
            await _sender.DisposeAsync();
        }
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }
}
