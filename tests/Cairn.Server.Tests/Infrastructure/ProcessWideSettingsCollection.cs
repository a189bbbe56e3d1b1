namespace Cairn.Server.Tests.Infrastructure;

/// <summary>
/// Tests that change settings shared by every server in the test process (the encoding limits of
/// Cairn.Engine.Memory.EncodingSettings are static): they run alone, after the parallel tests, and restore what they set.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideSettingsCollection
{
    public const string Name = "Process-wide settings";
}
