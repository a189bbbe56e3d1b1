using System.Reflection;

namespace Cairn.Host;

/// <summary>Version strings: Cairn's own, and the Redis version it reports for compatibility (INFO redis_version).</summary>
internal static class NodeInfo
{
    public const string RedisVersion = "7.0.15";

    public static string Version { get; } =
        typeof(NodeInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
