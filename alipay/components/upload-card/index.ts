// One file's card (Alipay): thumbnail or type badge, name, size, progress, status and
// the actions its state allows. It only renders and reports taps through the onXxx
// props the page passes (Alipay's way; WeChat's card uses triggerEvent).
import type { CardView } from '../../shared/miniprogram/shared/ui/index';
import type { CardLabels } from '../../shared/miniprogram/shared/ui/index';

type CardCallback = (id: string, url: string) => void;

interface CardProps {
  card: CardView;
  labels: CardLabels;
  onCancel: CardCallback;
  onRetry: CardCallback;
  onRemove: CardCallback;
  onCopy: CardCallback;
  onPreview: CardCallback;
}

const noop: CardCallback = () => undefined;

Component({
  props: {
    card: {} as CardView,
    labels: {} as CardLabels,
    onCancel: noop,
    onRetry: noop,
    onRemove: noop,
    onCopy: noop,
    onPreview: noop,
  } as CardProps,
  data: {
    card: {} as CardView,
    labels: {} as CardLabels,
  },
  // Props mirrored into data so the template reads the same names as WeChat's card.
  deriveDataFromProps(nextProps: Partial<CardProps>) {
    this.setData({ card: nextProps.card ?? ({} as CardView), labels: nextProps.labels ?? ({} as CardLabels) });
  },
  methods: {
    emit(action: 'onCancel' | 'onRetry' | 'onRemove' | 'onCopy' | 'onPreview') {
      const props = this.props as CardProps;
      const callback = props[action];
      if (typeof callback === 'function') callback(props.card.id, props.card.objectUrl);
    },
    onCancelTap() {
      this.emit('onCancel');
    },
    onRetryTap() {
      this.emit('onRetry');
    },
    onRemoveTap() {
      this.emit('onRemove');
    },
    onCopyTap() {
      this.emit('onCopy');
    },
    onPreviewTap() {
      this.emit('onPreview');
    },
  },
});
