namespace IotSquares.Client;

/// <summary>The dialect the client is told to speak.</summary>
public enum ClientDialect
{
    /// <summary>Our framed, versioned dialect (the default).</summary>
    Framed,

    /// <summary>The textbook's dialogue, byte for byte.</summary>
    Textbook,

    /// <summary>Greet in the framed dialect and fall back to the textbook's if the server answers like the textbook's server.</summary>
    Auto,
}
