using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Streams;

/// <summary>One server shared by a test class; tests use distinct key names.</summary>
public sealed class StreamsFixture : IDisposable
{
    public TestServer Server { get; } = new();

    public void Dispose() => Server.Dispose();
}
