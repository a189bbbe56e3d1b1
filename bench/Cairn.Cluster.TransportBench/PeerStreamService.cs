using System.Buffers;
using System.Buffers.Binary;
using Cairn.Cluster.Transport;
using Grpc.Core;

namespace Cairn.Cluster.TransportBench;

/// <summary>
/// The gRPC side: one bidirectional-streaming method whose messages are our frames as bytes (no protobuf schema: the peer
/// contract is PeerMessageCodec either way, so gRPC would carry it as opaque bytes). The server splits each frame as the
/// TCP receiver does and streams back an acknowledgement. (Not sealed, Stream virtual: Grpc.AspNetCore binds a handler only
/// to a virtual method declared on the type that carries BindServiceMethod, as its generated base classes do.)
/// </summary>
[BindServiceMethod(typeof(PeerStreamService), nameof(BindService))]
public class PeerStreamService
{
    public static readonly Marshaller<byte[]> Bytes = Marshallers.Create(
        static (byte[] value, SerializationContext context) => context.Complete(value),
        static context => context.PayloadAsNewBuffer());

    /// <summary>A batch travels as one of our frames (header, CRC-32C, varint-prefixed messages), encoded straight into gRPC's buffer.</summary>
    public static readonly Marshaller<List<byte[]>> Frames = Marshallers.Create<List<byte[]>>(
        static (batch, context) =>
        {
            (byte[] frame, int length) = FrameCodec.EncodePooled(batch, 0, batch.Count);
            context.SetPayloadLength(length);
            IBufferWriter<byte> writer = context.GetBufferWriter();
            frame.AsSpan(0, length).CopyTo(writer.GetSpan(length));
            writer.Advance(length);
            context.Complete();
            ArrayPool<byte>.Shared.Return(frame);
        },
        static context =>
        {
            ReadOnlySequence<byte> payload = context.PayloadAsReadOnlySequence();
            byte[] frame = payload.IsSingleSegment ? [] : payload.ToArray();
            ReadOnlySpan<byte> span = payload.IsSingleSegment ? payload.FirstSpan : frame;
            var messages = new List<byte[]>();
            if (!FrameCodec.TryReadHeader(span, out int length, out uint crc) || length != span.Length - FrameCodec.HeaderBytes
                || !FrameCodec.TryDecodePayload(span[FrameCodec.HeaderBytes..], crc, messages))
            {
                throw new InvalidDataException("corrupt frame");
            }
            return messages;
        });

    public static readonly Method<List<byte[]>, byte[]> StreamMethod = new(MethodType.DuplexStreaming, "cairn.Peer", "Stream", Frames, Bytes);

    public static void BindService(ServiceBinderBase binder, PeerStreamService? service) =>
        binder.AddMethod(StreamMethod, service is null ? null : service.Stream);

    public virtual async Task Stream(IAsyncStreamReader<List<byte[]>> requests, IServerStreamWriter<byte[]> responses, ServerCallContext context)
    {
        while (await requests.MoveNext(context.CancellationToken))
        {
            var ack = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(ack, requests.Current.Count);
            await responses.WriteAsync(ack);
        }
    }
}
