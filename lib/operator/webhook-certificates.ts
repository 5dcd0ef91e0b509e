import { IConstruct } from 'constructs';
import { isDns1123Subdomain } from '../common/k8s-names';
import { optConstruct, propsObject, reqString } from '../common/guards';

/** Kind of certificate source for the operator's admission and conversion webhooks. */
export type WebhookCertificatesKind = 'cert-manager' | 'existing-secret';

/** Options for `WebhookCertificates.certManager()`. */
export interface CertManagerCertificatesOptions {
  /**
   * The construct (chart, Helm release, ...) that installs cert-manager in the same app. The
   * operator's Certificate/Issuer layer is ordered after it.
   * @default - cert-manager is installed outside this app (must exist before apply)
   */
  readonly installedBy?: IConstruct;
}

/** Options for `WebhookCertificates.existingSecret()`. */
export interface ExistingSecretCertificatesOptions {
  /** Name of an existing `kubernetes.io/tls` Secret in the operator namespace (tls.crt, tls.key). */
  readonly secretName: string;
  /**
   * Base64-encoded PEM bundle of the CA that signed the serving certificate (public data, no key).
   * Written to every webhook's `clientConfig.caBundle`.
   */
  readonly caBundleBase64: string;
}

/**
 * How the operator's webhooks get their serving certificate. The upstream manifest expects
 * cert-manager (`cert-manager.io/v1` Issuer + Certificate, CA injection by annotation); the
 * alternative is a pre-provisioned TLS Secret plus its CA bundle.
 */
export abstract class WebhookCertificates {
  /** cert-manager is (or will be) installed: keep the upstream Issuer/Certificate and CA injection. */
  public static certManager(options: CertManagerCertificatesOptions = {}): WebhookCertificates {
    const where = 'webhook certificates: certManager';
    options = propsObject<CertManagerCertificatesOptions>(where, options, ['installedBy']);
    optConstruct(where, 'installedBy', options.installedBy, 'pass the construct that installs cert-manager, or leave it out');
    return new CertManagerCertificates(options.installedBy);
  }

  /**
   * An existing TLS Secret (for example from an internal PKI): the Issuer/Certificate objects and
   * the cert-manager CA-injection annotations are dropped, `caBundle` is set on the webhooks.
   */
  public static existingSecret(options: ExistingSecretCertificatesOptions): WebhookCertificates {
    const where = 'webhook certificates: existingSecret';
    options = propsObject<ExistingSecretCertificatesOptions>(where, options, ['secretName', 'caBundleBase64'], false);
    if (options.secretName !== undefined) reqString(where, 'secretName', options.secretName, 'pass the name of a kubernetes.io/tls Secret');
    if (options.caBundleBase64 !== undefined) reqString(where, 'caBundleBase64', options.caBundleBase64, 'pass the base64-encoded PEM of the signing CA (e.g. `base64 -w0 ca.crt`)');
    if (!options.secretName || !isDns1123Subdomain(options.secretName)) {
      throw new Error(
        `webhook certificates: secretName "${options.secretName}" is not a valid Secret name; use a lowercase DNS subdomain`,
      );
    }
    const bundle = options.caBundleBase64?.trim() ?? '';
    if (bundle === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(bundle)) {
      throw new Error(
        'webhook certificates: caBundleBase64 is empty or not base64; pass the base64-encoded PEM of the signing CA ' +
          '(e.g. `base64 -w0 ca.crt`)',
      );
    }
    const pem = Buffer.from(bundle, 'base64').toString('utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new Error(
        'webhook certificates: caBundleBase64 does not decode to a PEM certificate; pass base64 of the CA certificate (never a private key)',
      );
    }
    if (pem.includes('PRIVATE KEY')) {
      throw new Error(
        'webhook certificates: caBundleBase64 contains a private key; pass only the CA certificate, keys stay in the Secret',
      );
    }
    return new ExistingSecretCertificates(options.secretName, bundle);
  }

  /** Which source this is. */
  public abstract readonly kind: WebhookCertificatesKind;
}

/** @internal */
export class CertManagerCertificates extends WebhookCertificates {
  public readonly kind = 'cert-manager';
  constructor(public readonly installedBy: IConstruct | undefined) {
    super();
  }
}

/** @internal */
export class ExistingSecretCertificates extends WebhookCertificates {
  public readonly kind = 'existing-secret';
  constructor(
    public readonly secretName: string,
    public readonly caBundleBase64: string,
  ) {
    super();
  }
}
