using System.Buffers.Binary;
using Cairn.Cluster.Transport;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cairn.Cluster.TransportBench;

/// <summary>gRPC (Grpc.AspNetCore on Kestrel, HTTP/2 cleartext) with one bidirectional stream per direction, as a peer link would use.</summary>
internal sealed class GrpcBenchLink : IBenchLink
{
    private readonly int _port;
    private WebApplication? _app;
    private GrpcChannel? _channel;
    private AsyncDuplexStreamingCall<List<byte[]>, byte[]>? _call;
    private Task _reader = Task.CompletedTask;

    public GrpcBenchLink(int port)
    {
        _port = port;
    }

    public string Name => "gRPC stream";

    public AckCounter Acks { get; } = new();

    public async Task StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(_port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = FrameCodec.MaxFrameBytes);
        _app = builder.Build();
        _app.MapGrpcService<PeerStreamService>();
        await _app.StartAsync();
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_port}", new GrpcChannelOptions { MaxSendMessageSize = FrameCodec.MaxFrameBytes });
        _call = _channel.CreateCallInvoker().AsyncDuplexStreamingCall(PeerStreamService.StreamMethod, null, new CallOptions());
        _reader = Task.Run(async () =>
        {
            while (await _call.ResponseStream.MoveNext(CancellationToken.None))
            {
                Acks.Add(BinaryPrimitives.ReadInt32LittleEndian(_call.ResponseStream.Current));
            }
        });
        await SendAsync([[0]]);
        await Acks.WaitForAsync(1);
    }

    public async ValueTask SendAsync(List<byte[]> batch)
    {
        await _call!.RequestStream.WriteAsync(batch);
    }

    public async ValueTask DisposeAsync()
    {
        if (_call is not null)
        {
            await _call.RequestStream.CompleteAsync();
            try
            {
                await _reader.WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is TimeoutException or RpcException)
            {
            }
            _call.Dispose();
        }
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
