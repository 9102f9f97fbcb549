package dev.cutover.storage.s3;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 that signs a plain-HTTP request the way the SDK signs an HTTPS one: headers signed, payload
 * {@code UNSIGNED-PAYLOAD}. Over HTTP the SDK otherwise forces aws-chunked bodies with a SHA-256
 * signature per 128 KiB chunk, which costs CPU on both ends for every byte (S3-compatible servers
 * on-prem, S3Mock in tests) and protects nothing our puts do not already protect: each put declares
 * the source's CRC32C in a signed header, and the server refuses bytes that do not match it. This
 * is what rclone does too. HTTPS requests are signed exactly as the SDK's own scheme signs them.
 */
final class UnsignedPayloadOverHttp implements AwsV4AuthScheme {

    private static final AwsV4AuthScheme SDK_SCHEME = AwsV4AuthScheme.create();

    private final AwsV4HttpSigner signer = new Signer(SDK_SCHEME.signer());

    @Override
    public String schemeId() {
        return SDK_SCHEME.schemeId();
    }

    @Override
    public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
        return SDK_SCHEME.identityProvider(providers);
    }

    @Override
    public AwsV4HttpSigner signer() {
        return signer;
    }

    private record Signer(AwsV4HttpSigner sdk) implements AwsV4HttpSigner {

        @Override
        public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
            if (!isPlainHttp(request.request())) {
                return sdk.sign(request);
            }
            // The protocol is not part of the signature (host, path, query and headers are), so a
            // request signed as HTTPS carries a signature the server accepts over HTTP.
            SdkHttpRequest http = request.request();
            SignedRequest signed = sdk.sign(request.copy(b -> b.request(asHttps(http))));
            return signed.copy(b -> b.request(backToHttp(signed.request(), http)));
        }

        @Override
        public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
            if (!isPlainHttp(request.request())) {
                return sdk.signAsync(request);
            }
            SdkHttpRequest http = request.request();
            return sdk.signAsync(request.copy(b -> b.request(asHttps(http))))
                    .thenApply(signed -> signed.copy(b -> b.request(backToHttp(signed.request(), http))));
        }

        private static boolean isPlainHttp(SdkHttpRequest request) {
            return "http".equalsIgnoreCase(request.protocol());
        }

        /**
         * The signed Host header must be the one the HTTP client sends: the host alone on a protocol's
         * standard port, host:port otherwise. So http:80 is signed as https:443; any other port stays.
         */
        private static SdkHttpRequest asHttps(SdkHttpRequest http) {
            return http.toBuilder().protocol("https").port(http.port() == 80 ? 443 : http.port()).build();
        }

        private static SdkHttpRequest backToHttp(SdkHttpRequest signed, SdkHttpRequest http) {
            return signed.toBuilder().protocol(http.protocol()).port(http.port()).build();
        }
    }
}
