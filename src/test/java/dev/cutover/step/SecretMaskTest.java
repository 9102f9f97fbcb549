package dev.cutover.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretMaskTest {

    private static final List<String> SECRETS = List.of("pa55w0rd-long", "pa55");

    @Test
    void masksWholeSecretsLongestFirst() {
        assertThat(SecretMask.mask("user pa55w0rd-long and pa55", SECRETS)).isEqualTo("user ****** and ******");
        assertThat(SecretMask.mask("nothing here", List.of())).isEqualTo("nothing here");
        assertThat(SecretMask.mask(null, SECRETS)).isNull();
    }

    @Test
    void aPieceOfASecretAtACutIsMaskedAsTheSecret() {
        assertThat(SecretMask.maskCut("token=pa55w0rd-l", SECRETS, false, true)).isEqualTo("token=******");
        assertThat(SecretMask.maskCut("0rd-long was sent", SECRETS, true, false)).isEqualTo("****** was sent");
        assertThat(SecretMask.maskCut("0rd-long was pa55w", SECRETS, true, true)).isEqualTo("****** was ******");
    }

    @Test
    void piecesShorterThanFourCharactersAndEdgesThatWereNotCutStayAsWritten() {
        assertThat(SecretMask.maskCut("ends with pa5", SECRETS, false, true)).isEqualTo("ends with pa5");
        assertThat(SecretMask.maskCut("token=pa55w0", SECRETS, false, false)).isEqualTo("token=******w0");
        assertThat(SecretMask.maskCut("text is long", SECRETS, true, true)).isEqualTo("text is long");
        assertThat(SecretMask.maskCut("long text", SECRETS, true, false)).as("a piece is masked even if innocent")
                .isEqualTo("****** text");
    }
}
