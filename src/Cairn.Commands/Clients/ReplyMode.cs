namespace Cairn.Commands.Clients;

/// <summary>CLIENT REPLY modes.</summary>
public enum ReplyMode
{
    On,
    Off,
    /// <summary>Skip the reply of the next command only.</summary>
    SkipNext,
    /// <summary>Skipping the reply of the command being executed now.</summary>
    Skipping,
}
